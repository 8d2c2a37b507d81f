"""The change feed over the API (issue 21 item 4): GET `?after=<cursor>&limit=`.

Authentication and permissions are DRF's defaults (the API's tokens); the scope is
the token owner's, as on the pages. The view sets `rows` (how many changes it
answered) for a base class that logs each call, should the API mount it through one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from feed import selectors
from feed.cursor import BadCursor
from feed.models import Change


class ChangeSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="object_type")
    id = serializers.IntegerField(source="object_id")
    customer = serializers.IntegerField(source="customer_id")
    department = serializers.IntegerField(source="department_id", allow_null=True)
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    at = serializers.DateTimeField(source="changed_at")

    class Meta:
        model = Change
        fields = ("type", "id", "version", "kind", "customer", "department", "merged_into", "at")


class FeedQuery(serializers.Serializer):
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The `next` of the previous answer; none: the start."),
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=selectors.MAX_LIMIT, default=selectors.DEFAULT_LIMIT
    )


class FeedPage(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text=_("Ask with this cursor next; the same one when nothing was new."))


class ChangeFeedView(APIView):
    """What changed in the caller's scope, in commit order, after a cursor."""

    rows: int | None = None

    @extend_schema(parameters=[FeedQuery], responses=FeedPage)
    def get(self, request):
        query = FeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            rows, cursor = selectors.changes_after(
                user=request.user, cursor=query.validated_data.get("after"), limit=query.validated_data["limit"]
            )
        except BadCursor as exc:
            raise serializers.ValidationError({"after": [BadCursor.message]}) from exc
        self.rows = len(rows)
        return Response({"results": ChangeSerializer(rows, many=True).data, "next": cursor})
