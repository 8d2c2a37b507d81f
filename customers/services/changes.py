"""Change requests: how an approved customer is changed (SPEC §4 Changes)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import ChangeRequest, ChangeStatus, Customer, Status, Tag
from customers.presentation import FORM_AND_DETAIL_FIELDS
from customers.proposals import TAGS, serialise
from customers.review import CHANGE_REVIEW
from customers.rights import CustomerRights
from review.mechanism import review_approve, review_return

CHANGEABLE_FIELDS = tuple(sorted(FORM_AND_DETAIL_FIELDS - {"tags"}))


def may_request_change(actor: User, customer: Customer) -> bool:
    return CustomerRights(actor).may_request_change(customer)


@transaction.atomic
def change_request_create(
    *, actor: User, customer: Customer, fields: Mapping[str, Any], tags: Iterable[Tag] | None = None, reason: str
) -> ChangeRequest:
    """Propose new values for an approved customer. The values are validated by
    the customer's own rules now, and again when the change is applied."""
    # Row lock: the race is two proposals for one customer, or one crossing its approval.
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.status in (Status.ARCHIVED, Status.DESTROYED):
        raise ValidationError(
            _("This record is %(status)s and can no longer be changed.") % {"status": current.get_status_display()},
            code="closed",
        )
    if current.status != Status.APPROVED:
        raise ValidationError(_("Only an approved record is changed through a change request."), code="not_approved")
    if not may_request_change(actor, current):
        raise PermissionDenied(_("Only the record's maker or owner may ask for a change."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record changes (for example: the customer moved).")})
    if ChangeRequest.objects.filter(customer=current, status=ChangeStatus.PENDING).exists():
        raise ValidationError(
            _("A change of this customer already waits for review; wait for its decision first."), code="pending"
        )
    candidate = Customer.objects.get(pk=current.pk)
    for name, value in fields.items():
        if name not in CHANGEABLE_FIELDS:
            raise ValidationError(_("Unknown fields: %(names)s.") % {"names": name})
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["archive_no"])
    changed = [name for name in CHANGEABLE_FIELDS if serialise(candidate, name) != serialise(current, name)]
    proposal = {name: serialise(candidate, name) for name in changed}
    if tags is not None:
        new_tags = sorted(tag.name for tag in tags)
        if new_tags != sorted(current.tags.values_list("name", flat=True)):
            changed.append(TAGS)
            proposal[TAGS] = new_tags
    if not changed:
        raise ValidationError(_("Nothing was changed, so there is nothing to review."), code="unchanged")
    try:
        with transaction.atomic():
            return ChangeRequest.objects.create(
                customer=current,
                base_version=current.version,
                proposal=json.dumps(proposal, ensure_ascii=False),
                changed_fields=changed,
                reason=reason[:200],
                entered_by=actor,
                entered_at=timezone.now(),
            )
    except IntegrityError as exc:  # the partial unique constraint: one pending change per customer
        raise ValidationError(_("A change of this customer already waits for review."), code="pending") from exc


def change_request_approve(*, actor: User, change: ChangeRequest) -> ChangeRequest:
    return review_approve(policy=CHANGE_REVIEW, obj=change, actor=actor, version=change.version)


def change_request_return(
    *, actor: User, change: ChangeRequest, reason: str = "", field_reasons: Mapping[str, str] | None = None
) -> ChangeRequest:
    return review_return(
        policy=CHANGE_REVIEW,
        obj=change,
        actor=actor,
        version=change.version,
        field_reasons=field_reasons or {},
        note=reason,
    )


@transaction.atomic
def change_request_withdraw(*, actor: User, change: ChangeRequest) -> ChangeRequest:
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.entered_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked for a change can withdraw it."))
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change was already decided."), code="decided")
    change.status = ChangeStatus.WITHDRAWN
    change.save(update_fields=["status"])
    return change
