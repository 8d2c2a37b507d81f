"""Every write to transactions, orders and contracts (views, the admin, commands
and the seeds call these; nobody else saves them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer
from customers.rights import require_open_for_business
from review.mechanism import maker_locked, review_approve, review_return, review_submit
from transactions import rights
from transactions.models import ORDER_MOVES, Contract, Order, OrderStatus, Status, Transaction
from transactions.reversals import left_to_reverse, reversal_check  # noqa: F401  (views read left_to_reverse here)
from transactions.review import TRANSACTION_REVIEW

ENTRY_FIELDS = (
    "kind",
    "occurred_at",
    "amount",
    "currency",
    "product",
    "quantity",
    "payment_method",
    "order_no",
    "original",
    "note",
)


def _customer_open_for_business(customer: Customer) -> None:
    require_open_for_business(
        customer, _("%(archive_no)s is %(status)s: business is recorded only for approved customers.")
    )


@transaction.atomic
def transaction_create(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Transaction:
    """A new draft entered by `actor` from the original voucher."""
    rights.require_maker_for(actor, "transactions.add_transaction", _("Only clerks enter transactions."), customer)
    _customer_open_for_business(customer)
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    txn = Transaction(
        **fields, customer=customer, department_id=customer.department_id, entered_by=actor, status=Status.DRAFT
    )
    tracked_save(txn, actor=actor, reason=Reason.ENTERED, also_check=reversal_check)
    return txn


@transaction.atomic
def transaction_update(*, actor: User, txn: Transaction, fields: Mapping[str, Any]) -> Transaction:
    """Correct a draft or returned transaction; approved ones are final."""
    txn = maker_locked(TRANSACTION_REVIEW, txn, actor=actor, action=_("correct"))
    rights.require_edit(actor, txn)
    for name, value in fields.items():
        if name not in ENTRY_FIELDS:
            raise ValidationError(_("Unknown fields: %(names)s.") % {"names": name})
        setattr(txn, name, value)
    txn.version += 1
    tracked_save(txn, actor=actor, reason=Reason.CORRECTED, also_check=reversal_check)
    return txn


@transaction.atomic
def transaction_submit(*, actor: User, txn: Transaction) -> Transaction:
    rights.require_edit(actor, txn)
    return review_submit(policy=TRANSACTION_REVIEW, obj=txn, actor=actor)


def transaction_approve(*, actor: User, txn: Transaction, version: int | None = None) -> Transaction:
    return review_approve(
        policy=TRANSACTION_REVIEW, obj=txn, actor=actor, version=txn.version if version is None else version
    )


def transaction_return(
    *,
    actor: User,
    txn: Transaction,
    reason: str = "",
    field_reasons: dict[str, str] | None = None,
    version: int | None = None,
) -> Transaction:
    return review_return(
        policy=TRANSACTION_REVIEW,
        obj=txn,
        actor=actor,
        version=txn.version if version is None else version,
        field_reasons=field_reasons or {},
        note=reason,
    )


# Orders and contracts -----------------------------------------------------------


@transaction.atomic
def order_create(*, actor: User, customer: Customer, order_no: str, note: str = "") -> Order:
    rights.require_maker_for(actor, "transactions.add_order", _("Only clerks create orders."), customer)
    _customer_open_for_business(customer)
    order = Order(customer=customer, order_no=order_no, note=note, created_by=actor)
    tracked_save(order, actor=actor, reason=Reason.CREATED)
    return order


@transaction.atomic
def order_move(*, actor: User, order: Order, to: str) -> Order:
    """Move an order along SPEC §3's arrows; anything else is refused."""
    # Row lock: the race is two people moving one order at once (shipped and cancelled).
    order = Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)
    rights.require_order_move(actor, order)
    if to not in ORDER_MOVES[order.status]:
        allowed = "、".join(str(OrderStatus(s).label) for s in ORDER_MOVES[order.status])
        target = OrderStatus(to).label if to in OrderStatus.values else to
        raise ValidationError(
            _("Order %(order_no)s is %(status)s and cannot become %(target)s. %(allowed)s")
            % {
                "order_no": order.order_no,
                "status": order.get_status_display(),
                "target": target,
                "allowed": (_("It can become: %(next)s.") % {"next": allowed}) if allowed else _("It is final."),
            },
            code="illegal_move",
        )
    before = order.status
    order.status = to
    order.status_changed_at = timezone.now()
    tracked_save(order, actor=actor, reason=Reason.MOVED, data={"old": before, "new": to})
    return order


@transaction.atomic
def contract_create(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Contract:
    rights.require_maker_for(actor, "transactions.add_contract", _("Only clerks record contracts."), customer)
    _customer_open_for_business(customer)
    contract = Contract(**fields, customer=customer, created_by=actor)
    tracked_save(contract, actor=actor, reason=Reason.RECORDED)
    return contract
