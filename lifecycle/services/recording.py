"""What the lifecycle services record on the customer's own row."""

from __future__ import annotations

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer


def customer_date_record(customer: Customer, *, actor: User, field: str, value, note: str) -> None:
    """Set one of the customer's lifecycle dates (contact verified, retention end)
    through the trail, the note saying what prompted it. The caller holds the row
    lock and the transaction."""
    setattr(customer, field, value)
    tracked_save(customer, actor=actor, reason=Reason.RECORDED, note=note, update_fields=[field, "updated_at"])
