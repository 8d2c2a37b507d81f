"""Masked exports (issue 8): rows the user may see, values as their tier shows
them, and an access-log entry with the row count and the filter."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AccessLog
from customers import services
from tests.factories import CustomerFactory


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def records(clerk, other_clerk, reviewer):
    mine = services.customer_approve(
        actor=reviewer,
        customer=services.customer_submit(
            actor=clerk, customer=CustomerFactory(actor=clerk, n=1, mobile="+8613800001111", email="li@example.com")
        ),
    )
    theirs = CustomerFactory(actor=other_clerk, n=2, name="别人的客户", mobile="+8613800002222")
    return mine, theirs


@pytest.mark.django_db
def test_a_clerk_exports_only_their_customers_with_ids_masked(client, clerk, records):
    mine, theirs = records
    client.force_login(clerk)
    rows = _csv(client.get(reverse("bulk:export", args=["customers", "csv"])))
    assert len(rows) == 2  # the header and their one customer
    line = "|".join(rows[1])
    assert mine.archive_no in line and theirs.name not in "|".join("|".join(r) for r in rows)
    assert mine.id_number not in line and f"{mine.id_number[:3]}{'*' * 11}{mine.id_number[-4:]}" in line
    assert "+86 138 0000 1111" in line  # the maker sees their customer's S2 values in full
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).get()
    assert entry.actor == clerk and entry.detail["rows"] == 1 and entry.detail["what"] == "customers"


@pytest.mark.django_db
def test_a_managers_export_covers_the_department_masks_s3_and_logs_the_filter(client, manager, records):
    mine, theirs = records
    client.force_login(manager)
    rows = _csv(client.get(reverse("bulk:export", args=["customers", "csv"]), {"q": "别人"}))
    assert [r[1] for r in rows[1:]] == [theirs.name]
    text = "|".join("|".join(r) for r in rows)
    assert theirs.id_number not in text and theirs.bank_account not in text
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).get()
    assert entry.detail["filter"] == {"q": "别人"} and entry.detail["rows"] == 1


@pytest.mark.django_db
def test_roles_without_the_right_cannot_export_and_xlsx_works(client, reviewer, manager, records):
    client.force_login(reviewer)
    assert client.get(reverse("bulk:export", args=["customers", "csv"])).status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
    client.force_login(manager)
    response = client.get(reverse("bulk:export", args=["customers", "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and records[0].id_number not in str(values)
    assert client.get(reverse("bulk:export", args=["secrets", "csv"])).status_code == 404


@pytest.mark.django_db
def test_transactions_export_is_scoped_and_logged(client, clerk, other_clerk, reviewer, records):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from transactions import services as txn_services

    mine, _theirs = records
    txn = txn_services.transaction_create(
        actor=clerk,
        customer=mine,
        fields={"kind": "purchase", "occurred_at": timezone.now() - timedelta(hours=1), "amount": Decimal("88.80")},
    )
    client.force_login(clerk)
    rows = _csv(client.get(reverse("bulk:export", args=["transactions", "csv"])))
    assert [r[0] for r in rows[1:]] == [txn.number] and rows[1][5] == "88.80"
    client.force_login(other_clerk)
    assert len(_csv(client.get(reverse("bulk:export", args=["transactions", "csv"])))) == 1
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 2
