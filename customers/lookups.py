"""Exact lookups by ID or bank number (SPEC §5, issue 14): the one way a user
finds a customer from a sensitive (S3) value.

A lookup arrives in the body of a POST (never in an address), runs through the
blind index, and leaves an access-log entry naming who looked, which kind of
number and how many visible rows matched — never the number. Each user has an
hourly budget (`CRM_LOOKUP_HOURLY_LIMIT`), counted from the access log itself so
that any number of web processes share it; beyond it the lookup is not run and
the refusal is logged for the security officer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from audit.models import AccessLog, AccessLogHead
from audit.services import access_log_record
from customers import selectors
from customers.models import Customer

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Lookup:
    kinds: tuple[str, ...]
    limit: int
    refused: bool = False
    matched: int = 0
    rows: list[Customer] = field(default_factory=list)


def lookups_in_last_hour(user: User) -> int:
    return AccessLog.objects.filter(
        action=AccessLog.Action.LOOKUP, actor_id=user.pk, at__gte=timezone.now() - WINDOW
    ).count()


@sensitive_variables("query")
def customer_lookup(*, actor: User, request: HttpRequest | None, query: str, tag: str = "", shown: int) -> Lookup:
    """Run one exact lookup for `actor`, or refuse it once the hourly budget is
    spent; either way one access-log entry. Returns at most `shown` rows (the
    first page: a lookup's results carry no value in any link)."""
    kinds = selectors.s3_kinds(query)
    limit = settings.CRM_LOOKUP_HOURLY_LIMIT
    field_name = kinds[0] if kinds else ""
    with transaction.atomic():
        # Lock the log's head before counting: the race is two lookups of one user
        # in two processes both counting limit - 1 and both running. (SQLite's
        # IMMEDIATE transactions serialise the same way.)
        AccessLogHead.objects.bulk_create([AccessLogHead(pk=1)], ignore_conflicts=True)
        AccessLogHead.objects.select_for_update().get(pk=1)
        if lookups_in_last_hour(actor) >= limit:
            access_log_record(
                action=AccessLog.Action.LOOKUP_REFUSED,
                actor=actor,
                request=request,
                field=field_name,
                detail={"kinds": list(kinds), "limit": limit},
            )
            return Lookup(kinds=kinds, limit=limit, refused=True)
        customers = selectors.customer_list(user=actor, query=query, tag=tag, exact_s3=True)
        matched = customers.count()
        rows = list(customers[:shown]) if matched else []
        access_log_record(
            action=AccessLog.Action.LOOKUP,
            actor=actor,
            request=request,
            field=field_name,
            detail={"kinds": list(kinds), "matched": matched, "tag": selectors.loggable_filter(tag)},
        )
    return Lookup(kinds=kinds, limit=limit, matched=matched, rows=rows)
