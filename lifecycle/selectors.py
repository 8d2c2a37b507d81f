"""Reads of the record's lifecycle that depend on who asks: always the asker's
department, and only for the roles that work on destruction."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Status
from customers.selectors import customers_visible_to
from lifecycle import rights
from lifecycle.models import (
    ArchiveRequest,
    ArchiveStatus,
    DestructionRecord,
    DestructionRequest,
    DestructionStatus,
    LegalHold,
    SampleCheck,
    SampleResult,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
)

QUEUE_LIMIT = 200  # rows a queue page shows; counts stop at MY_WORK_CAP
MY_WORK_CAP = 99


def _department_id(user: User) -> int | None:
    return user.department_id if rights.sees_lifecycle(user) else None


def destruction_due_for(user: User) -> QuerySet[Customer]:
    """The department's customers whose retention has passed, with no destruction
    asked yet and no legal hold: what a manager should ask to destroy."""
    if not user.is_authenticated or not user.has_role_permission("lifecycle.request_destruction"):
        return Customer.objects.none()
    open_request = DestructionRequest.objects.filter(customer=OuterRef("pk"), status=DestructionStatus.REQUESTED)
    active_hold = LegalHold.objects.filter(customer=OuterRef("pk"), lifted_at__isnull=True)
    return (
        Customer.objects.filter(
            department_id=user.department_id,
            status__in=rights.DESTROYABLE,
            retention_until__lt=timezone.localdate(),
        )
        .exclude(Exists(open_request))
        .exclude(Exists(active_hold))
        .order_by("retention_until", "id")
    )


def destruction_requests_for(user: User) -> QuerySet[DestructionRequest]:
    department_id = _department_id(user)
    if department_id is None:
        return DestructionRequest.objects.none()
    return DestructionRequest.objects.filter(department_id=department_id).select_related(
        "customer", "requested_by", "decided_by"
    )


def destructions_to_approve_for(user: User) -> QuerySet[DestructionRequest]:
    """A security officer's work: open requests of the department someone else made."""
    if not user.is_authenticated or not user.has_role_permission("lifecycle.approve_destruction"):
        return DestructionRequest.objects.none()
    return (
        destruction_requests_for(user)
        .filter(status=DestructionStatus.REQUESTED)
        .exclude(requested_by=user)
        .order_by("requested_at", "id")
    )


def legal_holds_for(user: User) -> QuerySet[LegalHold]:
    department_id = _department_id(user)
    if department_id is None:
        return LegalHold.objects.none()
    return LegalHold.objects.filter(customer__department_id=department_id, lifted_at__isnull=True).select_related(
        "customer", "placed_by"
    )


def destruction_records_for(user: User) -> QuerySet[DestructionRecord]:
    department_id = _department_id(user)
    if department_id is None:
        return DestructionRecord.objects.none()
    return DestructionRecord.objects.filter(department_id=department_id).select_related("requested_by", "approved_by")


def bounded_count(rows: QuerySet, cap: int = MY_WORK_CAP) -> int:
    """How many, counting no further than `cap` + 1 (a "99+" badge)."""
    return len(rows.values_list("pk", flat=True)[: cap + 1])


def archive_requests_for(user: User) -> QuerySet[ArchiveRequest]:
    """Archive requests of the customers `user` may see."""
    return ArchiveRequest.objects.filter(customer__in=customers_visible_to(user)).select_related(
        "customer", "entered_by", "reviewed_by"
    )


def archive_queue_for(user: User) -> QuerySet[ArchiveRequest]:
    """A reviewer's work: pending requests of the department someone else made."""
    if not user.is_authenticated or not user.has_role_permission("customers.review_customer"):
        return ArchiveRequest.objects.none()
    return (
        archive_requests_for(user)
        .filter(status=ArchiveStatus.PENDING, customer__department_id=user.department_id)
        .exclude(entered_by=user)
        .order_by("entered_at", "id")
    )


def _reverify_scope(user: User) -> QuerySet[Customer]:
    """Approved records the user works on: a clerk's own and owned ones, a
    manager's department (customers_visible_to draws the line)."""
    if not user.is_authenticated or not user.has_role_permission("lifecycle.add_reverification"):
        return Customer.objects.none()
    return customers_visible_to(user).filter(status=Status.APPROVED)


def reverify_cutoff():
    return timezone.now() - timedelta(days=settings.CRM_REVERIFY_AFTER_DAYS)


def reverifications_due_for(user: User) -> QuerySet[Customer]:
    """Contact details last verified more than CRM_REVERIFY_AFTER_DAYS ago, oldest first."""
    return (
        _reverify_scope(user)
        .filter(contact_verified_at__lt=reverify_cutoff())
        .select_related("owner")
        .order_by("contact_verified_at", "id")
    )


def reverifications_upcoming_for(user: User, *, days: int = 30) -> QuerySet[Customer]:
    """Due within the next `days`: the quarterly call round's plan."""
    cutoff = reverify_cutoff()
    return (
        _reverify_scope(user)
        .filter(contact_verified_at__gte=cutoff, contact_verified_at__lt=cutoff + timedelta(days=days))
        .select_related("owner")
        .order_by("contact_verified_at", "id")
    )


def samples_for(user: User) -> QuerySet[SampleCheck]:
    """A reviewer's samples: pending first, then the latest results."""
    if not user.is_authenticated:
        return SampleCheck.objects.none()
    return SampleCheck.objects.filter(reviewer=user).select_related("customer", "maker", "checker")


def samples_waiting_for(user: User) -> QuerySet[SampleCheck]:
    return samples_for(user).filter(result=SampleResult.PENDING).order_by("drawn_at", "id")


def sample_error_rates(*, department_ids: list[int], since=None, until=None) -> dict[str, list[dict]]:
    """For the entry-quality report: per clerk (maker) and per reviewer (first
    checker), how many of their sampled records were checked and how many were wrong."""
    checked = SampleCheck.objects.filter(department_id__in=department_ids).exclude(result=SampleResult.PENDING)
    if since is not None:
        checked = checked.filter(checked_at__gte=since)
    if until is not None:
        checked = checked.filter(checked_at__lt=until)
    figures = {}
    for role in ("maker", "checker"):
        rows = (
            checked.values(f"{role}__username", f"{role}__last_name", f"{role}__first_name")
            .annotate(checked=Count("id"), wrong=Count("id", filter=Q(result=SampleResult.WRONG)))
            .order_by(f"{role}__username")
        )
        figures[role] = [
            {
                "username": row[f"{role}__username"],
                "name": f"{row[f'{role}__last_name']}{row[f'{role}__first_name']}",
                "checked": row["checked"],
                "wrong": row["wrong"],
                "rate": row["wrong"] / row["checked"],
            }
            for row in rows
        ]
    return figures


def subject_requests_for(user: User) -> QuerySet[SubjectRequest]:
    """The customers' requests of the records `user` may see, open ones by deadline first."""
    return (
        SubjectRequest.objects.filter(customer__in=customers_visible_to(user))
        .select_related("customer", "recorded_by")
        .order_by("-status", "due_on", "id")
    )


def subject_requests_near_deadline_for(user: User, *, days: int = 3) -> QuerySet[SubjectRequest]:
    """For a manager's "my work": open requests due within `days`, overdue first (red)."""
    if not user.is_authenticated or not user.has_role_permission("customers.view_department_customers"):
        return SubjectRequest.objects.none()
    return subject_requests_for(user).filter(
        status=SubjectRequestStatus.OPEN, due_on__lte=timezone.localdate() + timedelta(days=days)
    )


def consent_withdrawn(customer: Customer) -> bool:
    """The customer withdrew consent (an answered request): no greetings, no surveys."""
    return SubjectRequest.objects.filter(
        customer=customer, kind=SubjectRequestKind.WITHDRAWAL, status=SubjectRequestStatus.DONE
    ).exists()
