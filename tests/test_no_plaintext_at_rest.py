"""SPEC §5: no plaintext S3 value anywhere in the database, history included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import Customer


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
