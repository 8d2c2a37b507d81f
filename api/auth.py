"""How a call to the API is authenticated and throttled: a bearer token per
system, never a session (issue 21 item 2)."""

from __future__ import annotations

import hmac
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from api.services import TOKEN_START, digest_of, token_used

_BEARER = re.compile(rf"^{TOKEN_START}(?P<prefix>[0-9a-f]{{12}})_[A-Za-z0-9_-]{{20,100}}$")


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer ctk_<prefix>_<secret>`. The prefix finds the token;
    the secret's digest is compared in constant time. A revoked or expired token,
    or one whose system account was disabled, is refused on its very next call:
    every call reads the token's row."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from exc
        match = _BEARER.match(secret)
        token = None
        if match:
            token = (
                ApiToken.objects.select_related("account", "account__department").filter(prefix=match["prefix"]).first()
            )
        # The digest is compared even for an unknown prefix, so the time taken does not tell.
        expected = token.digest if token is not None else "0" * 64
        if not hmac.compare_digest(expected, digest_of(secret)) or token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token was revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.account.is_active:
            raise exceptions.AuthenticationFailed(_("The token's system account is disabled."))
        token_used(token=token, now=now)
        request._request.api_token = token
        return token.account, token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated call a 401 (with this challenge), not a 403.
        return f'{self.keyword} realm="api"'


class TokenRateThrottle(SimpleRateThrottle):
    """Calls per token (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"]`,
    env `CRM_API_RATE`). Counted in Django's cache: give several web processes a
    shared cache (CACHES) so that they share the count."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None  # unauthenticated calls are refused before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": token.prefix}
