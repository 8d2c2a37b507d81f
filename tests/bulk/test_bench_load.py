"""`bench load`'s driver (issue 18 item 5), against the live test server for a
few seconds: clerks enter through the forms, reviewers decide, managers read;
every acknowledged write is then looked for in the database — and a write that
did not happen is found missing. No timing is asserted."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from accounts.models import User
from bulk import benchload
from customers import services as customer_services
from customers.models import Customer, Status
from interactions.models import Interaction
from tests.factories import CustomerFactory
from transactions.models import Transaction

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _approved(clerk: User, reviewer: User) -> int:
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    return customer_services.customer_approve(actor=reviewer, customer=pending).pk


def test_the_load_driver_enters_decides_and_reads_and_every_acknowledged_write_is_in_the_database(live_server):
    cast = benchload.prepare(clerks=2, reviewers=1, managers=1)
    reviewer = User.objects.get(username=cast.reviewers[0])
    for clerk in cast.clerks:  # each clerk has an approved customer to record business for
        cast.approved[clerk] = [_approved(User.objects.get(username=clerk), reviewer)]
    # Seed 23: the first clerk's first turn is a transaction, the second's a contact.
    summary, ledger = benchload.drive(live_server.url, cast, seconds=6, seed=23)

    assert summary["errors"] == 0, summary["error_kinds"]
    acknowledged = ledger.counts()
    entered = Customer.objects.filter(entered_by__username__startswith="bench_load_clerk")
    assert entered.count() == acknowledged.get("customer", 0) + 2  # and the two approved beforehand
    assert entered.filter(status=Status.APPROVED).count() >= 2
    assert acknowledged["transaction"] >= 1
    assert acknowledged["contact"] >= 1
    assert Transaction.objects.count() == acknowledged["transaction"]
    assert Interaction.objects.count() == acknowledged["contact"]
    assert {"login", "transaction_create", "contact_create", "review_queue", "customer_list"} <= set(summary["pages"])
    assert all(page["p95_ms"] > 0 for page in summary["pages"].values())
    assert benchload.check(ledger) == []


def test_the_check_finds_an_acknowledged_write_that_is_not_in_the_database():
    ledger = benchload.Ledger()
    ledger.add("customer", 999_999, "bench_load_clerk1")
    ledger.add("approved_transaction", 888_888, "bench_load_reviewer1")
    ledger.add("contact", 777_777, "bench_load_clerk1", "压测 x-1")
    problems = benchload.check(ledger)
    assert len(problems) == 3
    assert "customer #999999" in problems[0]
    assert "transaction #888888" in problems[1]
    assert "customer #777777" in problems[2]


def test_the_driver_refuses_a_server_that_is_not_on_this_machine():
    cast = benchload.Cast(["a"], [], [], "x")
    with pytest.raises(CommandError, match="this machine only"):
        benchload.drive("http://example.com:8000", cast, seconds=1)
