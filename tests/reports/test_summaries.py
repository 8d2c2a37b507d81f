"""The report summaries the database keeps (reports.summaries, issue 15) always equal
a fresh GROUP BY of their tables, whatever mix of writes came before: the services,
plain ORM updates and deletes, many rows in one statement, the rebuild command."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer, Status
from reports import queries
from reports.models import (
    CustomerApprovedDay,
    CustomerFigures,
    CustomerGross,
    CustomerVerifiedDay,
    EntryDay,
    ReturnDay,
    TransactionDay,
)
from review.models import ReviewDecision
from tests.factories import CustomerFactory
from transactions import services as txn_services
from transactions.models import REVERSING, Transaction

FIGURES = ("department_id", "status", "tier", "kind", "customer_nature", "source_channel")


def _kept(model, keys, measures=("n",)) -> dict:
    return {
        tuple(row[: len(keys)]): tuple(row[len(keys) :])
        for row in model.objects.filter(n__gt=0).values_list(*keys, *measures)
    }


def _fresh_figures() -> dict:
    rows = Customer.objects.values_list(*FIGURES).annotate(n=Count("*")).order_by()
    return {tuple(r[:-1]): (r[-1],) for r in rows}


def _fresh_days(column: str) -> dict:
    rows = (
        Customer.objects.filter(status=Status.APPROVED, **{f"{column}__isnull": False})
        .annotate(day=TruncDate(column))  # the local day of the current time zone
        .values_list("department_id", "day")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {(d, day): (n,) for d, day, n in rows}


def _fresh_transactions() -> dict:
    rows = (
        Transaction.objects.filter(status="approved")
        .annotate(day=TruncDate("occurred_at"), product_or_0=Coalesce("product_id", 0))
        .values_list("department_id", "day", "kind", "payment_method", "product_or_0")
        .annotate(n=Count("*"), total=Sum("amount"))
        .order_by()
    )
    return {tuple(r[:5]): (r[5], Decimal(r[6]).quantize(Decimal("0.01"))) for r in rows}


def assert_summaries_equal_a_fresh_group_by() -> None:
    assert _kept(CustomerFigures, FIGURES) == _fresh_figures()
    assert _kept(CustomerApprovedDay, ("department_id", "day")) == _fresh_days("reviewed_at")
    assert _kept(CustomerVerifiedDay, ("department_id", "day")) == _fresh_days("contact_verified_at")
    kept = _kept(TransactionDay, ("department_id", "day", "kind", "payment_method", "product_id"), ("n", "total"))
    assert {k: (n, Decimal(t).quantize(Decimal("0.01"))) for k, (n, t) in kept.items()} == _fresh_transactions()
    gross = _kept(CustomerGross, ("department_id", "customer_id"), ("n", "gross"))
    assert {k: (n, Decimal(g).quantize(Decimal("0.01"))) for k, (n, g) in gross.items()} == _fresh_gross()
    entries = _kept(
        EntryDay, ("department_id", "day", "entered_by_id", "reviewed_by_id"), ("n", "decided", "wait_seconds")
    )
    assert {k: (n, d, round(w)) for k, (n, d, w) in entries.items()} == _fresh_entries()
    assert _kept(ReturnDay, ("department_id", "day", "maker_id")) == _fresh_returns()


def _fresh_entries() -> dict:
    found: dict = {}
    for c in Customer.objects.exclude(entered_at=None):
        key = (c.department_id, timezone.localdate(c.entered_at), c.entered_by_id, c.reviewed_by_id or 0)
        n, decided, wait = found.get(key, (0, 0, 0.0))
        waited = (c.reviewed_at - c.entered_at).total_seconds() if c.reviewed_at else 0.0
        found[key] = (n + 1, decided + (c.reviewed_at is not None), wait + waited)
    return {k: (n, d, round(w)) for k, (n, d, w) in found.items()}


def _fresh_returns() -> dict:
    found: Counter = Counter()
    customers = Customer.objects.in_bulk()
    for d in ReviewDecision.objects.filter(decision="returned", content_type__model="customer"):
        c = customers[d.object_id]
        found[c.department_id, timezone.localdate(d.at), c.entered_by_id] += 1
    return {k: (n,) for k, n in found.items()}


def _fresh_gross() -> dict:
    rows = (
        Transaction.objects.filter(status="approved")
        .exclude(kind__in=REVERSING)
        .values_list("department_id", "customer_id")
        .annotate(n=Count("*"), gross=Sum("amount"))
        .order_by()
    )
    return {(d, c): (n, Decimal(g).quantize(Decimal("0.01"))) for d, c, n, g in rows}


@pytest.mark.django_db
def test_summaries_equal_a_fresh_group_by_after_a_random_mix_of_writes(clerk, reviewer, other_department):
    rng = random.Random(15)
    customers = []
    for n in range(1, 13):
        customer = CustomerFactory(actor=clerk, n=n, organization=rng.random() < 0.3)
        if rng.random() < 0.8:
            customer = customer_services.customer_submit(actor=clerk, customer=customer)
            roll = rng.random()
            if roll < 0.6:
                customer = customer_services.customer_approve(actor=reviewer, customer=customer)
            elif roll < 0.8:
                customer = customer_services.customer_return(
                    actor=reviewer, customer=customer, field_reasons={"mobile": "错"}
                )
        customers.append(customer)
    assert_summaries_equal_a_fresh_group_by()

    approved = [c for c in customers if c.status == Status.APPROVED]
    for i in range(8):
        customer = rng.choice(approved)
        txn = txn_services.transaction_create(
            actor=clerk,
            customer=customer,
            fields={
                "kind": rng.choice(["purchase", "top_up"]),
                "occurred_at": timezone.now() - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23)),
                "amount": Decimal(rng.randint(100, 99999)) / 100,
                "payment_method": rng.choice(["cash", "alipay", ""]),
            },
        )
        if i % 4:  # some stay drafts or wait for review: not counted
            txn = txn_services.transaction_submit(actor=clerk, txn=txn)
            if i % 2:
                txn_services.transaction_approve(actor=reviewer, txn=txn)
    assert_summaries_equal_a_fresh_group_by()

    # Writes that bypass the services: one row, many rows in one statement, a move
    # of department, a verification date, deletes.
    Customer.objects.filter(pk=approved[0].pk).update(tier="key", source_channel="referral")
    Customer.objects.filter(pk__in=[c.pk for c in customers[:6]]).update(customer_nature="potential")
    Customer.objects.filter(pk=approved[-1].pk).update(
        contact_verified_at=timezone.now() - timedelta(days=900), reviewed_at=timezone.now() - timedelta(days=3)
    )
    Customer.objects.filter(pk=customers[1].pk).update(department=other_department)
    drafts = Customer.objects.filter(status__in=[Status.DRAFT, Status.RETURNED, Status.PENDING], transactions=None)
    Customer.objects.filter(pk__in=list(drafts.values_list("pk", flat=True)[:2])).delete()
    Transaction.objects.exclude(status="approved").delete()
    assert_summaries_equal_a_fresh_group_by()

    CustomerFigures.objects.update(n=7)  # the summaries spoilt; the command puts them right
    TransactionDay.objects.all().delete()
    call_command("rebuild_report_summaries", stdout=io.StringIO())
    assert_summaries_equal_a_fresh_group_by()


@pytest.mark.django_db
def test_a_returned_entry_sent_back_moves_one_count_from_returned_to_pending(clerk, reviewer):
    customer = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=1))
    customer = customer_services.customer_return(actor=reviewer, customer=customer, field_reasons={"mobile": "错"})

    def counts():
        return dict(CustomerFigures.objects.filter(n__gt=0).values_list("status").annotate(t=Sum("n")))

    assert counts() == {"returned": 1}
    customer_services.customer_submit(actor=clerk, customer=customer)
    assert counts() == {"pending": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("candidates", [1, 2, 3, 200])
def test_the_top_customers_walk_finds_what_grouping_every_transaction_of_the_range_finds(
    clerk, reviewer, department, candidates, monkeypatch
):
    monkeypatch.setattr(queries, "TOP", 3)
    monkeypatch.setattr(queries, "TOP_CANDIDATES", candidates)
    rng = random.Random(candidates)
    now = timezone.now()
    for n in range(1, 9):
        customer = customer_services.customer_approve(
            actor=reviewer,
            customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=n)),
        )
        for _ in range(rng.randint(1, 3)):
            occurred = now - timedelta(days=rng.choice([2, 40, 500]))  # in the range or long before it
            values = {"kind": "purchase", "occurred_at": occurred, "amount": Decimal(rng.randint(1, 900))}
            txn = txn_services.transaction_create(actor=clerk, customer=customer, fields=values)
            txn = txn_services.transaction_approve(
                actor=reviewer, txn=txn_services.transaction_submit(actor=clerk, txn=txn)
            )
            if rng.random() < 0.4:  # a return of part of it, in the range
                back = {
                    "kind": "return",
                    "original": txn,
                    "occurred_at": now - timedelta(days=1),
                    "amount": txn.amount / 2,
                }
                ret = txn_services.transaction_create(actor=clerk, customer=customer, fields=back)
                txn_services.transaction_approve(
                    actor=reviewer, txn=txn_services.transaction_submit(actor=clerk, txn=ret)
                )
    f = queries.Filters(departments=[department.pk], since=(now - timedelta(days=100)).date(), until=now.date())
    approved = Transaction.objects.filter(
        department__in=f.departments, status="approved", occurred_at__gte=f.start, occurred_at__lt=f.end
    )
    grouped = approved.values("customer_id").annotate(net=Sum(queries._signed())).order_by("-net", "customer_id")
    assert queries._top_customers(f, approved) == list(grouped[:3])
