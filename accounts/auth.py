from __future__ import annotations

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username failures are counted under, folded to lower case so that
    'Clerk1' and 'clerk1' share one counter."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return name.strip().lower()
