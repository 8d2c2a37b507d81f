"""Misuse alerts (issue 18 item 4): each account's reveals, exact lookups and
exports per day, compared with the account's usual daily count and its
department's; an unusual burst raises an `Alert` with its evidence.

The rule (settings `CRM_ALERT_*`, README "Incidents and alerts"): a day's count
raises an alert when it is at least the kind's minimum and more than
`CRM_ALERT_FACTOR` times the larger of two medians over the
`CRM_ALERT_BASELINE_DAYS` days before it (quiet days count as 0): the account's
own, and its department's — every day of every other account of the department
that did that kind of thing in those days. Both, so that a heavy but usual user
is not flagged every day and a newcomer is measured against their peers.

`watch_sweep` is idempotent: one alert per account, kind and day (a unique
constraint); a re-run updates the count of an open alert whose day went on, and
raises nothing twice. It costs the same few queries whatever the size of the log."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLog
from watch.models import Alert, AlertKind, AlertStatus


def minimum(kind: str) -> int:
    return {
        AlertKind.REVEAL: settings.CRM_ALERT_MIN_REVEALS,
        AlertKind.LOOKUP: settings.CRM_ALERT_MIN_LOOKUPS,
        AlertKind.EXPORT: settings.CRM_ALERT_MIN_EXPORTS,
    }[kind]


@dataclass(frozen=True)
class Burst:
    account_id: int
    department_id: int | None
    kind: str
    day: date
    count: int
    own_median: float
    department_median: float
    threshold: float


def _median_with_quiet_days(counts: list[int], days: int) -> float:
    return float(median([*counts, *[0] * max(0, days - len(counts))])) if days else 0.0


def find_bursts(*, today: date, days: int, baseline_days: int, factor: float) -> list[Burst]:
    """The bursts of the `days` days up to `today` (two queries)."""
    checked = [today - timedelta(days=n) for n in range(days)]
    first = min(checked) - timedelta(days=baseline_days)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        AccessLog.objects.filter(action__in=AlertKind.values, actor__isnull=False, at__gte=start)
        .annotate(day=TruncDate("at"))
        .values("actor_id", "action", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    # (kind, account) → {day: count}
    daily: dict[tuple[str, int], dict[date, int]] = defaultdict(dict)
    for row in rows:
        daily[(row["action"], row["actor_id"])][row["day"]] = row["n"]
    departments = dict(User.objects.filter(pk__in={a for _k, a in daily}).values_list("pk", "department_id"))
    by_department: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for kind, account in daily:
        by_department[(kind, departments.get(account))].append(account)
    bursts = []
    for (kind, account), counts in daily.items():
        for day in checked:
            count = counts.get(day, 0)
            if count < minimum(kind):
                continue
            before = {day - timedelta(days=n) for n in range(1, baseline_days + 1)}
            own = _median_with_quiet_days([n for d, n in counts.items() if d in before], baseline_days)
            department = departments.get(account)
            peers = [p for p in by_department[(kind, department)] if p != account]
            peer_counts = [n for p in peers for d, n in daily[(kind, p)].items() if d in before]
            peer_median = _median_with_quiet_days(peer_counts, baseline_days * len(peers))
            threshold = factor * max(own, peer_median, 1.0)
            if count > threshold:
                bursts.append(Burst(account, department, kind, day, count, own, peer_median, threshold))
    return bursts


@transaction.atomic
def watch_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Raise the alerts of today and the days before (`CRM_ALERT_SWEEP_DAYS`);
    returns what it did. Five queries at most, whatever the size of the log."""
    today = timezone.localdate(now)
    baseline_days = settings.CRM_ALERT_BASELINE_DAYS
    bursts = find_bursts(
        today=today, days=settings.CRM_ALERT_SWEEP_DAYS, baseline_days=baseline_days, factor=settings.CRM_ALERT_FACTOR
    )
    if not bursts:
        return {"raised": 0, "updated": 0, "bursts": 0}
    days = {burst.day for burst in bursts}
    # Row lock: the race is two sweeps (the worker and a manual run) raising the same
    # alert; the unique constraint is the backstop, `ignore_conflicts` its answer.
    existing = {
        (alert.account_id, alert.kind, alert.day): alert
        for alert in Alert.objects.select_for_update().filter(day__in=days)
    }
    new, grown = [], []
    for burst in bursts:
        evidence = {
            "threshold": round(burst.threshold, 2),
            "factor": settings.CRM_ALERT_FACTOR,
            "min": minimum(burst.kind),
        }
        alert = existing.get((burst.account_id, burst.kind, burst.day))
        if alert is None:
            new.append(
                Alert(
                    account_id=burst.account_id,
                    department_id=burst.department_id,
                    kind=burst.kind,
                    day=burst.day,
                    count=burst.count,
                    own_median=burst.own_median,
                    department_median=burst.department_median,
                    baseline_days=baseline_days,
                    evidence=evidence,
                )
            )
        elif alert.status == AlertStatus.OPEN and burst.count > alert.count:
            alert.count, alert.evidence = burst.count, evidence
            grown.append(alert)
    for alert in new:
        # The accounts come from the log's own foreign key: checking each one exists
        # again would cost a query per alert.
        alert.clean_fields(exclude=["account", "department", "acknowledged_by"])
    Alert.objects.bulk_create(new, ignore_conflicts=True)
    if grown:
        Alert.objects.bulk_update(grown, ["count", "evidence"])
    return {"raised": len(new), "updated": len(grown), "bursts": len(bursts)}


def next_run(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(minutes=settings.CRM_ALERT_SWEEP_EVERY_MINUTES)
