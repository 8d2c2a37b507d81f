"""The lifecycle's list pages cost the same queries as their rows grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from lifecycle.services import destruction, holds, subject
from tests.factories import CustomerFactory


def _expired(clerk, reviewer):
    return customer_services.customer_approve(
        actor=reviewer,
        customer=customer_services.customer_submit(
            actor=clerk,
            customer=CustomerFactory(
                actor=clerk,
                consent_at=timezone.now() - timedelta(days=2000),
                retention_until=timezone.localdate() - timedelta(days=1),
            ),
        ),
    )


def _grow(clerk, reviewer, manager, count: int) -> None:
    for _ in range(count):
        due, asked, held = (_expired(clerk, reviewer) for _ in range(3))
        destruction.destruction_request(actor=manager, customer=asked, basis="retention_passed", reason="到期")
        holds.legal_hold_place(actor=manager, customer=held, reason="争议未结")
        subject.subject_request_record(
            actor=clerk, customer=due, kind="copy", received_on=timezone.localdate() - timedelta(days=20)
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["lifecycle:queue", "lifecycle:subject_requests"])
def test_the_page_costs_the_same_queries_for_two_rows_of_each_kind_or_six(route, clerk, reviewer, manager, client):
    client.force_login(manager)
    _grow(clerk, reviewer, manager, 2)
    few = _queries(client, reverse(route))
    _grow(clerk, reviewer, manager, 4)
    body = client.get(reverse(route)).content.decode()
    assert body.count("KH") >= 6  # the rows are shown
    assert _queries(client, reverse(route)) == few
