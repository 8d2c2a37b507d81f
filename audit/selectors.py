"""Reads for the security officer's pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from audit.models import AccessLog
from audit.rights import department_scope
from audit.subjects import subject

if TYPE_CHECKING:  # audit sits below accounts: the user type is for reading only
    from accounts.models import User


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_entries(
    *,
    user_name: str = "",
    archive_no: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    reader: User | None = None,
) -> QuerySet[AccessLog]:
    """Newest first; every filter is served by an index. A `reader` without the
    company-wide right sees entries of their department's staff and customers,
    and those that name neither (failed log-ins of unknown names)."""
    entries = AccessLog.objects.select_related("actor").order_by("-id")
    department_id = department_scope(reader)
    if department_id is not None:
        customers = subject("customer").model
        entries = entries.filter(
            Q(actor__department_id=department_id)
            | Q(customer_id__in=customers.objects.filter(department_id=department_id).values("pk"))
            | Q(actor__isnull=True, customer_id__isnull=True)
        )
    if user_name:
        entries = entries.filter(actor_name=user_name.strip().lower()) | entries.filter(actor_name=user_name.strip())
    if archive_no:
        entries = entries.filter(customer_archive_no=archive_no.strip().upper())
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__gte=_local_day_start(since))
    if until:
        entries = entries.filter(at__lt=_local_day_start(until) + timedelta(days=1))
    return entries


def page_of(queryset: QuerySet, *, page: int, size: int = 50) -> tuple[list, bool]:
    """One page and whether another follows, without counting the whole table."""
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return rows[:size], len(rows) > size


TRAIL_RELATED = ("history_user", "owner", "department", "entered_by", "reviewed_by", "second_reviewed_by")


def customer_changes(
    *, user_name: str = "", archive_no: str = "", page: int = 1, size: int = 50, reader: User | None = None
):
    """One page of the customer change trail across all customers, newest first,
    each version paired with the previous version of the same customer (three
    queries a page, whatever the table size)."""
    history = subject("customer").history_model()
    versions = history.objects.select_related(*TRAIL_RELATED).order_by("-history_id")
    department_id = department_scope(reader)
    if department_id is not None:
        versions = versions.filter(department_id=department_id)
    if user_name:
        versions = versions.filter(history_user__username=user_name.strip())
    if archive_no:
        versions = versions.filter(archive_no=archive_no.strip().upper())
    previous = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    versions = versions.annotate(previous_id=Subquery(previous.values("history_id")[:1]))
    rows, has_next = page_of(versions, page=page, size=size)
    older = history.objects.select_related(*TRAIL_RELATED).in_bulk([r.previous_id for r in rows if r.previous_id])
    return [(row, older.get(row.previous_id)) for row in rows], has_next
