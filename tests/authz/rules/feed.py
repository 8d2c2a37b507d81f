"""The change feed, /api/v1/changes/ (issue 21 item 4), as the page matrix sees it.

The feed takes the API's authentication and permissions (DRF's defaults), so what a
browser's session gets here is what those defaults say, read from them: once the
API takes bearer tokens only (the api part's settings), every persona — logged in
or not — is refused (401) as on every API route; with DRF's own defaults (sessions,
anyone) a session reads its own scope (200, the scopes are walked in tests/feed/). A
POST is never an action: 405 to whoever passes the gate."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from tests.authz.matrix import ANONYMOUS, OPEN, Case, everyone


def _refused() -> int:
    """DRF's answer to a caller it did not authenticate: 401 when the first
    authentication class names a scheme (WWW-Authenticate), 403 otherwise."""
    first = api_settings.DEFAULT_AUTHENTICATION_CLASSES[:1]
    return 401 if first and first[0]().authenticate_header(HttpRequest()) else 403


def _answers(method_answer: int) -> dict:
    sessions = any(issubclass(c, SessionAuthentication) for c in api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    anyone = any(issubclass(c, AllowAny) for c in api_settings.DEFAULT_PERMISSION_CLASSES)
    logged_in = method_answer if sessions or anyone else _refused()
    return {**everyone(logged_in), ANONYMOUS: method_answer if anyone else _refused()}


CASES = [Case("api:changes", gate=OPEN, get=_answers(200), post=_answers(405))]
