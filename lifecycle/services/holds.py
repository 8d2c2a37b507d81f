"""Legal holds (issue 17 item 4): a manager keeps a customer from destruction
while a complaint or dispute is open, and lifts the hold when it is over."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer
from lifecycle import rights
from lifecycle.models import LegalHold


@transaction.atomic
def legal_hold_place(*, actor: User, customer: Customer, reason: str) -> LegalHold:
    # Row lock on the customer: the race is a destruction approved while the hold is placed.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not rights.may_place_hold(actor, customer):
        raise PermissionDenied(_("Only a manager of the customer's department places a legal hold."))
    hold = LegalHold(customer=customer, reason=(reason or "").strip(), placed_by=actor, placed_at=timezone.now())
    hold.full_clean()
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: User, hold: LegalHold) -> LegalHold:
    # Row lock: the race is two managers lifting the same hold.
    locked = LegalHold.objects.select_for_update().select_related("customer").get(pk=hold.pk)
    if not rights.may_place_hold(actor, locked.customer):
        raise PermissionDenied(_("Only a manager of the customer's department lifts a legal hold."))
    if locked.lifted_at is not None:
        raise ValidationError(_("This hold was lifted already."), code="lifted")
    locked.lifted_by = actor
    locked.lifted_at = timezone.now()
    locked.full_clean()
    locked.save()
    return locked
