"""Destruction of a customer's personal data (SPEC §4, §5; issue 17 item 4): a
manager asks, a security officer who did not ask approves, and the approval shreds
and erases in one transaction and leaves a `DestructionRecord`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer
from lifecycle import rights
from lifecycle.models import (
    DestructionBasis,
    DestructionRecord,
    DestructionRequest,
    DestructionStatus,
    LegalHold,
)
from lifecycle.shredding import shred_customer


def _refuse_if_held(customer: Customer) -> None:
    hold = LegalHold.objects.filter(customer=customer, lifted_at__isnull=True).first()
    if hold is not None:
        raise ValidationError(
            _("Legal hold %(number)s keeps this customer from destruction until it is lifted.")
            % {"number": hold.number},
            code="legal_hold",
        )


def retention_passed(customer: Customer) -> bool:
    return customer.retention_until is not None and customer.retention_until < timezone.localdate()


@transaction.atomic
def destruction_request(*, actor: User, customer: Customer, basis: str, reason: str) -> DestructionRequest:
    # Row lock: the race is a hold placed, or another request made, meanwhile.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not rights.may_request_destruction(actor, customer):
        raise PermissionDenied(_("Only a manager of the customer's department asks for its destruction."))
    if customer.status not in rights.DESTROYABLE:
        raise ValidationError(_("Only an approved or archived customer can be destroyed."), code="status")
    if basis == DestructionBasis.RETENTION_PASSED and not retention_passed(customer):
        raise ValidationError(
            {"basis": _("The retention period of this customer has not passed yet.")}, code="retention"
        )
    _refuse_if_held(customer)
    request = DestructionRequest(
        customer=customer,
        department_id=customer.department_id,
        basis=basis,
        reason=(reason or "").strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    request.full_clean()
    request.save()
    return request


def _locked_open(request: DestructionRequest) -> DestructionRequest:
    # Row lock: the race is two security officers deciding the same request at once.
    locked = DestructionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != DestructionStatus.REQUESTED:
        raise ValidationError(
            _("This request was decided already: %(status)s.") % {"status": locked.get_status_display()},
            code="decided",
        )
    return locked


@transaction.atomic
def destruction_approve(*, actor: User, request: DestructionRequest, note: str = "") -> DestructionRecord:
    """Shred and erase the customer, in this one transaction, and record it."""
    locked = _locked_open(request)
    if not rights.may_decide_destruction(actor, locked):
        raise PermissionDenied(_("A security officer of the department who did not ask approves a destruction."))
    customer = Customer.objects.select_for_update().get(pk=locked.customer_id)
    _refuse_if_held(customer)
    if customer.status not in rights.DESTROYABLE:
        raise ValidationError(_("Only an approved or archived customer can be destroyed."), code="status")
    now = timezone.now()
    archive_no, department_id = customer.archive_no, customer.department_id
    shredded, erased = shred_customer(customer, note=locked.number, actor=actor)
    locked.status = DestructionStatus.DONE
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_note = (note or "").strip()
    locked.full_clean()
    locked.save()
    record = DestructionRecord(
        request=locked,
        customer=customer,
        archive_no=archive_no,
        department_id=department_id,
        basis=locked.basis,
        destroyed_at=now,
        requested_by_id=locked.requested_by_id,
        approved_by=actor,
        shredded_keys=shredded,
        erased=erased,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def destruction_refuse(*, actor: User, request: DestructionRequest, note: str) -> DestructionRequest:
    locked = _locked_open(request)
    if not rights.may_decide_destruction(actor, locked):
        raise PermissionDenied(_("A security officer of the department who did not ask decides a destruction."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the destruction is refused.")}, code="required")
    locked.status = DestructionStatus.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def destruction_withdraw(*, actor: User, request: DestructionRequest) -> DestructionRequest:
    locked = _locked_open(request)
    if not rights.may_withdraw_destruction(actor, locked):
        raise PermissionDenied(_("Only whoever asked for a destruction withdraws it."))
    locked.status = DestructionStatus.WITHDRAWN
    locked.full_clean()
    locked.save()
    return locked
