"""The REST API (issue 21) as the page matrix sees it: a browser's session never
reaches it — every persona, logged in or not, gets 401 on every data route (the
API takes bearer tokens only; tests/api/test_api_matrix.py walks the tokens). The
schema and its docs carry no record and are open. The token pages (/systems/)
are the department managers'."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from tests.authz.matrix import ANONYMOUS, MANAGER, OPEN, OTHER_MANAGER, Case, everyone, only

NO_SESSION = {**everyone(401), ANONYMOUS: 401}


def _side_target(attr: str):
    return lambda s: {"pk": getattr(s, attr).pk}


API_TARGETS = {
    "api:customer": _side_target("customer"),
    "api:customer_reveal": _side_target("customer"),
    "api:customer_grant_request": _side_target("customer"),
    "api:transaction": _side_target("transaction"),
    "api:contact": _side_target("interaction"),
    "api:complaint": _side_target("complaint"),
    "api:survey": _side_target("feedback"),
    "api:product": lambda s: {"pk": s.product.pk},
}
API_LISTS = (
    "api:customers",
    "api:customer_search",
    "api:transactions",
    "api:contacts",
    "api:complaints",
    "api:surveys",
    "api:products",
)
MANAGERS = (MANAGER, OTHER_MANAGER)


def _mounted(name: str) -> bool:
    """The change feed (api:changes) is the feed app's, mounted once it is merged."""
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


if _mounted("api:changes"):
    API_LISTS = (*API_LISTS, "api:changes")

CASES = [
    *[Case(route, gate=OPEN, get=NO_SESSION, post=NO_SESSION) for route in API_LISTS],
    *[
        Case(route, gate=OPEN, target=target, get=NO_SESSION, post=NO_SESSION, out=401, missing=401)
        for route, target in API_TARGETS.items()
    ],
    Case("api:schema", gate=OPEN, get={**everyone(200), ANONYMOUS: 200}, post=405),
    Case("api:docs", gate=OPEN, get={**everyone(200), ANONYMOUS: 200}, post=405),
    # Creating shows the secret once on the answer to the POST (200), never through a redirect.
    Case(
        "api_pages:tokens",
        get=only(MANAGERS, 200, 403),
        post=only(MANAGERS, 200, 403),
        data=lambda w, s: {"system_name": "新系统", "role": "reader", "days": "30"},
    ),
    Case(
        "api_pages:token_revoke",
        target=lambda s: {"pk": s.extra["reader_token"].pk},
        get=405,
        post=only(MANAGERS, 302, 404),
    ),
]
