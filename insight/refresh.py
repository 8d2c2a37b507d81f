"""Building a snapshot and making it current (issue 20 item 1).

`snapshot_refresh` creates a new `Snapshot` (status building), fills it one
department at a time — each department in its own transaction, set-based SQL
(`insight.build`) — and then, in one short transaction, makes it the current
one and the previous one superseded. Until that moment every reader sees the
previous snapshot whole; a refresh killed at any point leaves only a building
snapshot nobody reads, which the next refresh removes (`snapshots_prune`).

Idempotent: two refreshes in a row give the same figures (the second replaces
the first). Two refreshes at once are harmless: each builds its own rows, and
the one that finishes later becomes current."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, User
from insight.build import department_build
from insight.models import CustomerAmount, CustomerScore, DepartmentFigures, Snapshot, SnapshotStatus

logger = logging.getLogger(__name__)

# A building snapshot older than this is taken for one whose refresh died.
ABANDONED_AFTER = timedelta(hours=12)


def _params(snapshot: Snapshot, department_id: int) -> dict:
    as_of = snapshot.taken_at
    window = timedelta(days=snapshot.window_days)
    adapt = connection.ops.adapt_datetimefield_value
    return {
        "snapshot": snapshot.pk,
        "department": department_id,
        "as_of": adapt(as_of),
        "start": adapt(as_of - window),
        "mid": adapt(as_of - window / 2),
        "verified_since": adapt(as_of - timedelta(days=settings.CRM_REVERIFY_AFTER_DAYS)),
        "today": timezone.localdate(as_of).isoformat(),
        "base": settings.CRM_VALUE_BASE_CURRENCY,
        "key_share": settings.CRM_VALUE_CLASS_QUANTILES["key"],
        "occasional_share": settings.CRM_VALUE_CLASS_QUANTILES["occasional"],
        "threshold": settings.CRM_COMPLETENESS_THRESHOLD,
    }


def snapshot_refresh(*, actor: User | None = None, as_of: datetime | None = None) -> Snapshot:
    """Build a new snapshot as of `as_of` (now) and make it current. `actor`: the
    manager who pressed the button (None: the nightly run or the command)."""
    as_of = as_of or timezone.now()
    snapshot = Snapshot.objects.create(
        taken_at=as_of,
        taken_on=timezone.localdate(as_of),
        window_days=settings.CRM_VALUE_WINDOW_DAYS,
        requested_by=actor,
    )
    total = 0
    for department_id in Department.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic(), connection.cursor() as cursor:
            total += department_build(cursor, _params(snapshot, department_id))
    _switch(snapshot, customers=total, actor=actor)
    snapshots_prune()
    logger.info("insight snapshot %s: %s customers", snapshot.taken_on, total)
    return snapshot


@transaction.atomic
def _switch(snapshot: Snapshot, *, customers: int, actor: User | None) -> None:
    # Row lock on the current snapshot: two refreshes finishing at once would
    # otherwise both supersede it and collide on "one current".
    current = Snapshot.objects.select_for_update().filter(status=SnapshotStatus.CURRENT).first()
    if current is not None and current.taken_at > snapshot.taken_at:
        snapshot.status = SnapshotStatus.SUPERSEDED  # a later one is already current
    else:
        if current is not None:
            Snapshot.objects.filter(pk=current.pk).update(status=SnapshotStatus.SUPERSEDED)
        snapshot.status = SnapshotStatus.CURRENT
    snapshot.customers = customers
    snapshot.finished_at = timezone.now()
    snapshot.full_clean()
    # The snapshot row is the refresh's own record: who asked (requested_by), when, how many.
    snapshot.save(update_fields=["status", "customers", "finished_at"])


def snapshots_prune() -> int:
    """Remove superseded snapshots and abandoned builds, row tables first (a
    plain DELETE by snapshot: no row is loaded into Python)."""
    stale = Snapshot.objects.filter(status=SnapshotStatus.SUPERSEDED) | Snapshot.objects.filter(
        status=SnapshotStatus.BUILDING, started_at__lt=timezone.now() - ABANDONED_AFTER
    )
    ids = list(stale.values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            for model in (CustomerScore, CustomerAmount, DepartmentFigures):
                model.objects.filter(snapshot_id=pk)._raw_delete(connection.alias)
            Snapshot.objects.filter(pk=pk).delete()
    return len(ids)


def current_snapshot() -> Snapshot | None:
    return Snapshot.objects.filter(status=SnapshotStatus.CURRENT).first()
