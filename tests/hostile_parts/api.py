"""The managers' token pages (issue 21); the API itself is probed by schemathesis (tests/api/)."""

from __future__ import annotations

from api import services

ROUTES = {
    "api_pages:tokens": ({}, "", ("manager",)),
    "api_pages:token_revoke": ({"pk": "api_token"}, "", ("manager",)),
}


def build(people, ids) -> dict[str, int]:
    token, _secret = services.token_create(actor=people["manager"], system_name="网银系统", role="reader")
    return {"api_token": token.pk}
