"""Where a request came from, for the access log and the login lock."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """REMOTE_ADDR, or — only when CRM_TRUSTED_PROXY_COUNT says how many proxies of
    ours stand in front — the address those proxies saw. A client cannot choose its
    address by sending an X-Forwarded-For header of its own."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CRM_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    # Our proxies appended the last `proxies` entries; the one before is the client.
    return hops[-proxies] if len(hops) >= proxies else remote


def axes_client_address(request: HttpRequest | None) -> str | None:
    return client_address(request) or None
