"""How much of an approved transaction is left to reverse: the rule a return or
refund meets when it is entered, submitted and approved (the services and the
review policy both check it)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from transactions.models import Status, Transaction

# Reversals that hold part of the original: approved ones, and pending ones
# (so two reversals waiting at once can never overshoot together).
HOLDING = (Status.PENDING, Status.APPROVED)


def left_to_reverse(original: Transaction, *, excluding: int | None = None) -> Decimal:
    """What is left of `original` for further returns or refunds."""
    held = original.reversals.filter(status__in=HOLDING)
    if excluding is not None:
        held = held.exclude(pk=excluding)
    return original.amount - (held.aggregate(total=Sum("amount"))["total"] or Decimal("0"))


def reversal_check(txn: Transaction) -> None:
    """A reversal never exceeds what is left of its original. Called inside the
    caller's transaction: the original's row lock serialises reversals of it."""
    if txn.original_id is None:
        return
    # Row lock: the race is two reversals of one original, each seeing the other's amount as still free.
    original = Transaction.objects.select_for_update().get(pk=txn.original_id)
    left = left_to_reverse(original, excluding=txn.pk)
    if txn.amount is not None and txn.amount > left:
        raise ValidationError(
            {
                "amount": _("At most %(left)s %(currency)s is left to reverse of %(number)s (%(amount)s).")
                % {"left": left, "currency": original.currency, "number": original.number, "amount": original.amount}
            },
            code="over_reversal",
        )
