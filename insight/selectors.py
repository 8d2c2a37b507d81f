"""Reads of the current snapshot: a customer's scores with their inputs (the
customer page's "why"), a department's figures (the reports), the overview page.
Each is a fixed number of queries on the snapshot's unique keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.models import User
from customers.models import Customer, LifecycleStage, Status, Tier
from insight.completeness import DIMENSIONS, missing_labels
from insight.models import CustomerAmount, CustomerScore, DepartmentFigures, Snapshot, SnapshotStatus, ValueClass

# The tier a value class suggests.
SUGGESTED_TIER = {ValueClass.KEY: Tier.KEY, ValueClass.GENERAL: Tier.GENERAL, ValueClass.OCCASIONAL: Tier.OCCASIONAL}


def current_snapshot() -> Snapshot | None:
    return Snapshot.objects.filter(status=SnapshotStatus.CURRENT).first()


@dataclass
class CustomerScores:
    score: CustomerScore
    snapshot: Snapshot
    amounts: list[CustomerAmount]
    missing: list[tuple[Any, int, int, list]] = field(default_factory=list)  # (dimension, filled, of, labels)
    suggested_tier: str = ""
    suggested_stage: str = ""

    @property
    def value_class_label(self) -> str:
        return ValueClass(self.score.value_class).label if self.score.value_class else ""

    @property
    def suggested_tier_label(self) -> str:
        return Tier(self.suggested_tier).label if self.suggested_tier else ""

    @property
    def suggested_stage_label(self) -> str:
        return LifecycleStage(self.suggested_stage).label if self.suggested_stage else ""


def _suggested_stage(score: CustomerScore) -> str:
    """Active with business in the window; dormant with business only before it."""
    if score.frequency > 0:
        return LifecycleStage.ACTIVE
    if score.last_purchase_at is not None:
        return LifecycleStage.DORMANT
    return ""


def customer_scores(*, customer: Customer) -> CustomerScores | None:
    """The customer's row of the current snapshot and what it was computed from
    (two queries); None before the first snapshot or for a customer newer than it.
    A suggested tier or stage is given only where it differs from the record's."""
    score = (
        CustomerScore.objects.select_related("snapshot")
        .filter(snapshot__status=SnapshotStatus.CURRENT, customer_id=customer.pk)
        .first()
    )
    if score is None:
        return None
    amounts = list(CustomerAmount.objects.filter(snapshot_id=score.snapshot_id, customer_id=customer.pk))
    missing = missing_labels(score.missing)
    by_dimension = {
        "basic": (score.basic_filled, score.basic_applicable),
        "business": (score.business_filled, score.business_applicable),
        "contacts": (score.contacts_filled, score.contacts_applicable),
    }
    result = CustomerScores(score=score, snapshot=score.snapshot, amounts=sorted(amounts, key=lambda a: a.currency))
    result.missing = [(label, *by_dimension[key], missing[key]) for key, label in DIMENSIONS.items()]
    if customer.status == Status.APPROVED:
        tier = SUGGESTED_TIER.get(score.value_class, "")
        result.suggested_tier = tier if tier and tier != customer.tier else ""
        stage = _suggested_stage(score)
        result.suggested_stage = stage if stage and stage != customer.lifecycle_stage else ""
    return result


def department_completeness(*, department_id: int | None) -> DepartmentFigures | None:
    """The department's figures in the current snapshot (one query): average
    completeness overall and per dimension, incomplete records, customers per
    value class. For the reports page."""
    if department_id is None:
        return None
    return (
        DepartmentFigures.objects.filter(snapshot__status=SnapshotStatus.CURRENT, department_id=department_id)
        .select_related("snapshot")
        .first()
    )


def overview(*, user: User) -> dict[str, Any]:
    """The manager's overview page: the current snapshot, the department's figures,
    the last few refreshes."""
    return {
        "snapshot": current_snapshot(),
        "figures": department_completeness(department_id=user.department_id),
        "recent": list(Snapshot.objects.select_related("requested_by").order_by("-id")[:5]),
        "threshold": settings.CRM_COMPLETENESS_THRESHOLD,
        "window_days": settings.CRM_VALUE_WINDOW_DAYS,
        "quantiles": settings.CRM_VALUE_CLASS_QUANTILES,
    }


def my_work(*, user: User) -> dict[str, Any]:
    """The manager's "my work" panel (for desk to include, with
    `insight/_my_work.html`): the department's figures in the current snapshot —
    one query, whatever the size; nothing for the other roles."""
    from insight.rights import may_view_overview

    if not may_view_overview(user):
        return {"insight_figures": None}
    return {"insight_figures": department_completeness(department_id=user.department_id)}
