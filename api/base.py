"""What every API view shares: bearer tokens only, throttled per token, the
request's language (Accept-Language: zh-hans or en; Chinese by default), and one
access-log entry per call naming the token, the endpoint and the count of rows."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.auth import BearerTokenAuthentication, TokenRateThrottle
from api.services import api_call_log


def api_language(request) -> str:
    """The first supported language of the request's Accept-Language, else Chinese."""
    supported = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")[:200]):
        try:
            variant = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if variant in supported:
            return variant
    return settings.LANGUAGE_CODE


class NewestFirst(CursorPagination):
    """Pages by an opaque cursor on the id: no COUNT, the same cost on any page."""

    page_size = 50
    ordering = "-id"


class ApiCall:
    """The request's language and the access-log entry of each call, for any DRF
    view of the API (mixed in first: `logged(ChangeFeedView)`)."""

    rows: int | None = None  # how many rows the answer carries (set by the view)

    def dispatch(self, request, *args, **kwargs):
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request._request, "api_token", None)
        if token is not None:
            match = request._request.resolver_match
            endpoint = match.view_name if match else request.path[:100]
            rows = self.rows if self.rows is not None else _rows_in(response)
            api_call_log(
                request=request._request, token=token, endpoint=endpoint, status=response.status_code, rows=rows
            )
        add_never_cache_headers(response)
        return response


def _rows_in(response) -> int | None:
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return len(data["results"])
    return None


def logged(view_class: type) -> type:
    """`view_class` (a DRF view of another app mounted under /api/v1/, such as the
    change feed) with the API's language and access-log entry per call."""
    return type(view_class.__name__, (ApiCall, view_class), {"__doc__": view_class.__doc__})


class ApiView(ApiCall, GenericAPIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [TokenRateThrottle]
    pagination_class = NewestFirst

    def page_of(self, queryset, serializer_class, **context):
        page = self.paginate_queryset(queryset)
        self.rows = len(page)
        data = serializer_class(page, many=True, context={"request": self.request, **context}).data
        return self.get_paginated_response(data)

    def one(self, obj, serializer_class, *, status: int = 200, **context):
        self.rows = 1
        return Response(serializer_class(obj, context={"request": self.request, **context}).data, status=status)
