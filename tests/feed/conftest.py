"""The change feed's tests read what committed, so most run with `transaction=True`
(on PostgreSQL a reader never sees its own open transaction's changes)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from customers import services as customer_services
from feed.models import Change
from feed.selectors import HORIZON, changes_after
from interactions import services as interaction_services
from tests.factories import CustomerFactory
from tests.records import complaint_fields, contact_fields, survey_fields, transaction_fields
from transactions import services as transaction_services


@pytest.fixture(autouse=True)
def _feed_starts_empty(request):
    """SQLite's flush after a `transaction=True` test empties the tables with DELETE,
    which the feed's triggers record: start each test from an empty feed."""
    if request.node.get_closest_marker("django_db"):
        Change.objects.all().delete()


def settle(timeout: float = 120) -> None:
    """On PostgreSQL, wait until every change written so far is below the readers'
    horizon: any write transaction still open on the server — another test run's, on
    this shared machine — holds the feed back (feed.cursor), never for long."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT {HORIZON} > COALESCE((SELECT MAX(xid) FROM feed_change), 0)")  # noqa: S608
            if cursor.fetchone()[0] or time.monotonic() > deadline:
                return
            time.sleep(0.05)


def read_all(user, cursor=None, *, limit=3) -> tuple[list[Change], str]:
    """Every change `user` may read after `cursor`, page by page, once all have settled."""
    settle()
    rows: list[Change] = []
    while True:
        page, cursor = changes_after(user=user, cursor=cursor, limit=limit)
        rows += page
        if len(page) < limit:
            return rows, cursor


def seen(rows) -> list[tuple[str, int, str]]:
    return [(r.object_type, r.object_id, r.kind) for r in rows]


def approved(clerk, reviewer, **fields):
    customer = CustomerFactory(actor=clerk, **fields)
    customer = customer_services.customer_submit(actor=clerk, customer=customer)
    return customer_services.customer_approve(actor=reviewer, customer=customer)


def business(clerk, reviewer, customer) -> dict:
    """One approved transaction, a contact, a complaint and a survey of `customer`."""
    yesterday = timezone.now() - timedelta(days=1)
    txn = transaction_services.transaction_create(
        actor=clerk,
        customer=customer,
        fields=transaction_fields(occurred_at=yesterday),
    )
    txn = transaction_services.transaction_approve(
        actor=reviewer, txn=transaction_services.transaction_submit(actor=clerk, txn=txn)
    )
    contact = interaction_services.interaction_log(
        actor=clerk,
        customer=customer,
        fields=contact_fields(occurred_at=yesterday, content="询问产品"),
    )
    complaint = interaction_services.complaint_receive(
        actor=clerk,
        customer=customer,
        fields=complaint_fields(received_at=yesterday, content="服务态度差"),
    )
    survey = interaction_services.feedback_record(
        actor=clerk,
        customer=customer,
        fields=survey_fields(surveyed_at=yesterday),
    )
    return {"transaction": txn, "contact": contact, "complaint": complaint, "survey": survey}
