"""Archive and restore (issue 17 item 3): a request with a reason, reviewed like a
change; on approval the customer becomes archived (read-only: changes, business and
contacts are refused for any status but approved) or approved again."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer, Status
from lifecycle import rights
from lifecycle.models import ArchiveAction, ArchiveRequest, ArchiveStatus
from lifecycle.review import ARCHIVE_REVIEW
from review.mechanism import review_approve, review_return


@transaction.atomic
def archive_request_create(*, actor: User, customer: Customer, reason: str) -> ArchiveRequest:
    # Row lock: the race is two requests for one customer, or one crossing a status change.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not rights.may_request_archive(actor, customer):
        raise PermissionDenied(_("Only the record's maker or owner, or a manager of its department, asks for this."))
    action = ArchiveAction.ARCHIVE if customer.status == Status.APPROVED else ArchiveAction.RESTORE
    request = ArchiveRequest(
        customer=customer, action=action, reason=(reason or "").strip(), entered_by=actor, entered_at=timezone.now()
    )
    request.full_clean()
    request.save()
    return request


def archive_request_approve(*, actor: User, request: ArchiveRequest) -> ArchiveRequest:
    return review_approve(policy=ARCHIVE_REVIEW, obj=request, actor=actor, version=request.version)


def archive_request_return(*, actor: User, request: ArchiveRequest, note: str = "") -> ArchiveRequest:
    return review_return(
        policy=ARCHIVE_REVIEW, obj=request, actor=actor, version=request.version, field_reasons={}, note=note
    )


@transaction.atomic
def archive_request_withdraw(*, actor: User, request: ArchiveRequest) -> ArchiveRequest:
    # Row lock: the race is the withdrawal crossing the reviewer's decision.
    locked = ArchiveRequest.objects.select_for_update().get(pk=request.pk)
    if not rights.may_withdraw_archive(actor, locked):
        raise PermissionDenied(_("Only whoever asked withdraws a pending request."))
    if locked.status != ArchiveStatus.PENDING:
        raise ValidationError(_("This request was already decided."), code="decided")
    locked.status = ArchiveStatus.WITHDRAWN
    locked.full_clean()
    locked.save()
    return locked
