"""SPEC §5: no plaintext S3 value anywhere in the database, history included."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from audit.models import AccessLog
from customers import services
from customers.models import Customer
from tests.factories import CustomerFactory


def _every_s3_plaintext() -> set[str]:
    values: set[str] = set()
    for customer in Customer.objects.select_related("data_key"):
        values.update(v for v in (customer.id_number, customer.bank_account) if v)
    for record in Customer.history.select_related("data_key"):
        values.update(v for v in (record.id_number, record.bank_account) if v)
    return values


def _every_table_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_plaintext_id_or_bank_number_is_stored_after_seed_demo():
    call_command("seed_demo", stdout=io.StringIO())
    plaintexts = _every_s3_plaintext()
    assert len(plaintexts) > 60  # the scan looks for something real

    dump = _every_table_as_text()
    assert "v1:" in dump  # ciphertexts are there
    leaked = sorted(value for value in plaintexts if value in dump)
    assert leaked == []

    if connection.vendor == "sqlite":
        # The raw file and its write-ahead log, byte for byte.
        path = Path(connection.settings_dict["NAME"])
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        assert len(raw) > 100_000
        assert sorted(v for v in plaintexts if v.encode() in raw) == []


@pytest.mark.django_db
def test_lookups_refusals_and_exports_leave_no_plaintext_in_any_table_or_log(
    client, clerk, reviewer, manager, settings, caplog
):
    """Issue 14 §2: a lookup, a refused lookup, an ID in an address, the admin's
    search and exports with an ID or bank number in their filter write entries —
    and none of them holds the value, nor does any log line."""
    caplog.set_level(logging.DEBUG)
    settings.CRM_LOOKUP_HOURLY_LIMIT = 1
    customer = services.customer_approve(
        actor=reviewer, customer=services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    customer = Customer.objects.get(pk=customer.pk)
    number, account = customer.id_number, customer.bank_account
    client.force_login(manager)

    assert client.post(reverse("customers:list"), {"q": number}).context["rows"]  # a lookup
    assert client.post(reverse("customers:list"), {"q": account}).status_code == 429  # refused
    assert client.get(reverse("customers:list"), {"q": number}).status_code == 302  # not searched
    client.get(reverse("admin:customers_customer_changelist"), {"q": account})
    for file_format, query in (("csv", number), ("xlsx", account)):
        response = client.get(reverse("bulk:export", args=["customers", file_format]), {"q": query, "tag": account})
        b"".join(response.streaming_content)

    actions = set(AccessLog.objects.values_list("action", flat=True))
    assert {AccessLog.Action.LOOKUP, AccessLog.Action.LOOKUP_REFUSED, AccessLog.Action.EXPORT} <= actions
    dump = _every_table_as_text()
    assert "v1:" in dump
    logged = caplog.text + "\n".join(repr(record.__dict__) for record in caplog.records)
    assert "Too Many Requests" in logged  # the capture sees the request log
    for value in (number, account):
        assert value not in dump
        assert value not in logged


@pytest.mark.django_db
def test_an_error_report_of_the_search_hides_the_posted_number(client, clerk):
    from django.views.debug import SafeExceptionReporterFilter

    client.force_login(clerk)
    response = client.post(reverse("customers:list"), {"q": "110105199003070217"})
    parameters = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert parameters["q"] != "110105199003070217" and set(parameters["q"]) == {"*"}
