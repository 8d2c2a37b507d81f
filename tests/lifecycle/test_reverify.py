"""The re-verification clock and queue (issue 17 item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from customers import services as customer_services
from customers.models import Customer
from lifecycle import selectors
from lifecycle.models import Reverification
from lifecycle.services.reverify import reverification_record
from tests.factories import CustomerFactory


def approved(clerk, reviewer, *, verified_days_ago: int, **fields) -> Customer:
    customer = customer_services.customer_approve(
        actor=reviewer,
        customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, **fields)),
    )
    # The clock as if the last check was that long ago (no service moves time).
    Customer.objects.filter(pk=customer.pk).update(
        contact_verified_at=timezone.now() - timedelta(days=verified_days_ago)
    )
    return Customer.objects.get(pk=customer.pk)


@pytest.mark.django_db
def test_records_verified_over_a_year_ago_are_due_oldest_first_and_the_next_30_days_are_listed(clerk, reviewer):
    recent = approved(clerk, reviewer, verified_days_ago=100)
    soon = approved(clerk, reviewer, verified_days_ago=350)
    old = approved(clerk, reviewer, verified_days_ago=400)
    older = approved(clerk, reviewer, verified_days_ago=900)

    assert list(selectors.reverifications_due_for(clerk)) == [older, old]
    assert list(selectors.reverifications_upcoming_for(clerk)) == [soon]
    assert recent not in selectors.reverifications_due_for(clerk)
    assert old.needs_reverification and not soon.needs_reverification  # the record's orange warning agrees


@pytest.mark.django_db
def test_each_sees_the_records_they_work_on(clerk, other_clerk, reviewer, manager, other_department_manager):
    due = approved(clerk, reviewer, verified_days_ago=400)
    assert list(selectors.reverifications_due_for(manager)) == [due]
    for outsider in (other_clerk, reviewer, other_department_manager):
        assert list(selectors.reverifications_due_for(outsider)) == []


@pytest.mark.django_db
def test_confirmed_unchanged_records_who_how_and_when_and_resets_the_clock(clerk, reviewer):
    due = approved(clerk, reviewer, verified_days_ago=400)

    check = reverification_record(actor=clerk, customer=due, outcome="unchanged", method="phone", note="已电话核实")

    customer = Customer.objects.get(pk=due.pk)
    assert (check.checked_by, check.method, check.outcome) == (clerk, "phone", "unchanged")
    assert customer.contact_verified_at == check.checked_at
    assert not customer.needs_reverification
    assert list(selectors.reverifications_due_for(clerk)) == []
    assert customer.history.first().history_user == clerk


@pytest.mark.django_db
def test_changed_keeps_the_clock_and_opens_the_prefilled_change_request(clerk, reviewer, client):
    due = approved(clerk, reviewer, verified_days_ago=400, occupation="教师")
    client.force_login(clerk)

    response = client.post(
        reverse("lifecycle:reverify_confirm", args=[due.pk]), {"outcome": "changed", "method": "phone"}
    )

    assert response.status_code == 302 and response.url == reverse("customers:update", args=[due.pk])
    assert 'value="教师"' in client.get(response.url).content.decode()  # the form holds the record
    assert Reverification.objects.get().outcome == "changed"
    assert Customer.objects.get(pk=due.pk).contact_verified_at == due.contact_verified_at


@pytest.mark.django_db
def test_the_call_list_export_is_masked_and_logged(clerk, reviewer, client):
    due = approved(clerk, reviewer, verified_days_ago=400, mobile="+8613812345678", email="zhang.wei@example.com")
    client.force_login(clerk)

    body = client.get(reverse("lifecycle:reverify_export")).content.decode("utf-8")

    assert due.archive_no in body and "138****5678" in body and "z***@example.com" in body
    assert "13812345678" not in body and "zhang.wei" not in body
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.detail["rows"] == 1 and entry.actor == clerk


@pytest.mark.django_db
def test_the_queue_page_costs_the_same_queries_for_three_rows_or_twelve(clerk, reviewer, client):
    client.force_login(clerk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("lifecycle:reverify")).status_code == 200
        return len(captured)

    for _ in range(3):
        approved(clerk, reviewer, verified_days_ago=400)
    few = queries()
    for _ in range(9):
        approved(clerk, reviewer, verified_days_ago=400)
    assert queries() == few
