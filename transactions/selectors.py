"""Reads of transactions, orders and contracts that depend on who asks: a row is
visible to whoever may see its customer (SPEC §2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, QuerySet, Sum, Value, When, Window

from accounts.models import User
from core.pagination import CappedPaginator
from customers.models import Customer
from customers.selectors import visible_with_customer
from transactions.models import (
    ORDER_MOVE_VERBS,
    ORDER_MOVES,
    REVERSING,
    Contract,
    Kind,
    Order,
    Status,
    Transaction,
)
from transactions.review import TRANSACTION_REVIEW


def transactions_visible_to(user: User) -> QuerySet[Transaction]:
    return visible_with_customer(user, Transaction.objects.all())


def orders_visible_to(user: User) -> QuerySet[Order]:
    return visible_with_customer(user, Order.objects.all(), department="customer__department_id")


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    return visible_with_customer(user, Contract.objects.all(), department="customer__department_id")


def transaction_list(
    *,
    user: User,
    kind: str = "",
    status: str = "",
    department_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Transaction]:
    rows = transactions_visible_to(user).select_related("customer", "department", "entered_by")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if department_id:
        rows = rows.filter(department_id=department_id)
    if since:
        rows = rows.filter(occurred_at__date__gte=since)
    if until:
        rows = rows.filter(occurred_at__date__lte=until)
    return rows.order_by("-occurred_at", "-id")


def customer_transactions(*, customer: Customer) -> QuerySet[Transaction]:
    """The customer's transactions, newest first, each approved one with the
    running net amount (reversals negative) up to and including it."""
    return (
        Transaction.objects.filter(customer=customer)
        .select_related("product", "original", "entered_by")
        .annotate(
            running_net=Window(
                Sum(_signed_amount()), partition_by=[F("currency")], order_by=[F("occurred_at").asc(), F("id").asc()]
            )
        )
        .order_by("-occurred_at", "-id")
    )


def _signed_amount() -> Case:
    """Only approved rows count; reversals count against the total."""
    return Case(
        When(status=Status.APPROVED, kind__in=REVERSING, then=-F("amount")),
        When(status=Status.APPROVED, then=F("amount")),
        default=Value(Decimal("0")),
        output_field=Transaction._meta.get_field("amount"),
    )


@dataclass
class Totals:
    """Approved amounts of one customer, by currency: per kind and net."""

    by_kind: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    net: dict[str, Decimal] = field(default_factory=dict)


def customer_totals(*, customer: Customer) -> Totals:
    totals = Totals()
    rows = (
        Transaction.objects.filter(customer=customer, status=Status.APPROVED)
        .values("currency", "kind")
        .annotate(total=Sum("amount"))
        .order_by("currency", "kind")
    )
    for row in rows:
        totals.by_kind[row["currency"]][row["kind"]] = row["total"]
        sign = -1 if row["kind"] in REVERSING else 1
        totals.net[row["currency"]] = totals.net.get(row["currency"], Decimal("0")) + sign * row["total"]
    totals.by_kind = {
        currency: [(Kind(k).label, kinds.get(k, Decimal("0"))) for k in Kind.values]
        for currency, kinds in totals.by_kind.items()
    }
    return totals


def transaction_queue(*, user: User) -> QuerySet[Transaction]:
    """Pending transactions of the user's department they did not enter, oldest first."""
    return TRANSACTION_REVIEW.queue(user=user)


def my_transactions(*, user: User) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(entered_by=user, status__in=[Status.DRAFT, Status.RETURNED, Status.PENDING])
        .select_related("customer")
        .order_by("-created_at")
    )


@dataclass
class Business:
    """What the customer page shows of a customer's business."""

    page: object
    totals: Totals
    orders: list
    contracts: list


def customer_business(*, customer: Customer, page_number) -> Business:
    orders = list(customer.orders.order_by("-created_at", "-id")[:20])
    for order in orders:
        order.moves = [(to, ORDER_MOVE_VERBS[to]) for to in ORDER_MOVES[order.status]]
    return Business(
        page=CappedPaginator(customer_transactions(customer=customer), 20).get_page(page_number),
        totals=customer_totals(customer=customer),
        orders=orders,
        contracts=list(customer.contracts.all()[:20]),
    )
