"""Who may do what with transactions, orders and contracts, decided in one place
(SPEC §2, issue 14). Views find rows through the `*_for` helpers (a 404 for a row
out of scope, a missing row or a bad id alike) and ask the `may_*` predicates to
show a button; the services ask the same predicates again, so a forged POST by
the wrong person changes nothing. Review decisions are the review policy's
(`transactions.review.TransactionReview`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Department, User
from core.visibility import visible_or_404
from customers.models import Customer
from customers.rights import may_hold_records, open_for_business, require_maker
from customers.selectors import customers_visible_to
from review.mechanism import EDITABLE_BY_MAKER
from transactions import selectors
from transactions.models import REVERSES, Order, Status, Transaction


def transaction_for(user: User, pk) -> Transaction:
    return visible_or_404(
        selectors.transactions_visible_to(user).select_related(
            "customer", "product", "original", "entered_by", "reviewed_by"
        ),
        pk,
    )


def order_for(user: User, pk) -> Order:
    return visible_or_404(selectors.orders_visible_to(user).select_related("customer"), pk)


def filter_departments(user: User) -> QuerySet[Department]:
    """The departments the transaction list may be narrowed to: the user's own,
    or every one for a user outside any department."""
    if user.department_id is None:
        return Department.objects.all()
    return Department.objects.filter(pk=user.department_id)


def may_reverse(user: User, txn: Transaction) -> bool:
    """An approved purchase or payment is corrected by a reversing entry, made by
    someone whose role enters transactions and who may hold records."""
    return reversible(txn) and user.has_role_permission("transactions.add_transaction") and may_hold_records(user)


def reversible(txn: Transaction) -> bool:
    return txn.status == Status.APPROVED and txn.kind in [k for kinds in REVERSES.values() for k in kinds]


def may_edit(user: User, txn: Transaction) -> bool:
    """Its maker, while it is a draft or returned, and while they still work on
    the records of its department."""
    return (
        txn.entered_by_id == user.pk
        and txn.status in EDITABLE_BY_MAKER
        and user.department_id == txn.department_id
        and may_hold_records(user)
    )


def may_move_order(user: User, order: Order) -> bool:
    return (
        user.has_role_permission("transactions.change_order")
        and may_hold_records(user)
        and user.department_id == order.customer.department_id
        and selectors.orders_visible_to(user).filter(pk=order.pk).exists()
    )


def may_enter_for(user: User, customer: Customer) -> bool:
    """The customer page's buttons for a new transaction, order or contract."""
    return open_for_business(customer) and user.has_role_permission("transactions.add_transaction")


def may_move_orders(user: User) -> bool:
    """The customer page's order buttons; `may_move_order` decides each move."""
    return user.has_role_permission("transactions.change_order")


# What the services call: each raises, so nothing is written by the wrong person.


def require_maker_for(actor: User, permission: str, message: str, customer: Customer) -> None:
    """A new transaction, order or contract: a maker's role, and the customer in their scope."""
    require_maker(actor, permission, message)
    if not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You cannot record anything for a customer you cannot see."))


def require_edit(actor: User, txn: Transaction) -> None:
    if txn.entered_by_id == actor.pk and not (actor.department_id == txn.department_id and may_hold_records(actor)):
        raise PermissionDenied(_("You no longer work on this department's records."))


def require_order_move(actor: User, order: Order) -> None:
    if not may_move_order(actor, order):
        raise PermissionDenied(_("You may not change this order."))
