"""Re-verification of contact details (issue 17 item 1; SPEC §3 `contact_verified_at`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer
from lifecycle import rights
from lifecycle.models import Reverification, ReverifyOutcome
from lifecycle.services.recording import customer_date_record


@transaction.atomic
def reverification_record(
    *, actor: User, customer: Customer, outcome: str, method: str, note: str = ""
) -> Reverification:
    """Record a check with the customer. "Unchanged" resets the clock; "changed"
    leaves it, for the change request that follows resets it when approved."""
    # Row lock: the race is two staff confirming the same record at once.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not rights.may_reverify(actor, customer):
        raise PermissionDenied(_("Only who works on this record confirms its contact details."))
    now = timezone.now()
    check = Reverification(
        customer=customer, outcome=outcome, method=method, note=(note or "").strip(), checked_by=actor, checked_at=now
    )
    check.full_clean()
    check.save()
    if outcome == ReverifyOutcome.UNCHANGED:
        note = f"{check.get_outcome_display()} ({check.get_method_display()})"
        customer_date_record(customer, actor=actor, field="contact_verified_at", value=now, note=note)
    return check
