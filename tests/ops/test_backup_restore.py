"""Backup and restore round trip, on SQLite and PostgreSQL alike (issue 18 items 1-2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.services import access_log_record, access_log_verify
from customers.models import Customer
from ops import backup
from tests.factories import CustomerFactory


def _values() -> dict[int, tuple]:
    fresh = Customer.objects.select_related("data_key").order_by("pk")
    return {c.pk: (c.name, c.id_number, c.bank_account, c.mobile and str(c.mobile)) for c in fresh}


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 — own tables
            counts[table] = cursor.fetchone()[0]
    return counts


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restored_over_a_changed_database_brings_back_every_row_and_value_and_a_chain_that_verifies(
    clerk, backups
):
    for _ in range(3):
        customer = CustomerFactory(actor=clerk)
        access_log_record(action="reveal", actor=clerk, customer=customer, field="id_number", purpose="核对")
    imports = Path(settings.CRM_IMPORT_DIR)
    imports.mkdir(parents=True)
    (imports / "job.bin").write_bytes(b"sealed upload" * 1000)
    values, counts = _values(), _counts()
    out = backups / "nightly.cbak"

    said = _run("backup", str(out))
    assert "Backed up to" in said and out.exists()
    assert "OK: database backup" in _run("backup", str(out), "--verify")

    CustomerFactory(actor=clerk)  # written after the backup: gone after the restore
    (imports / "job.bin").unlink()
    with pytest.raises(CommandError, match="not empty"):
        _run("restore", str(out))
    report = _run("restore", str(out), "--force")

    assert "Restore complete." in report and "Import files restored: 1." in report
    assert _counts() == counts
    assert _values() == values and len(values) == 3
    assert (imports / "job.bin").read_bytes() == b"sealed upload" * 1000
    verified = access_log_verify()
    assert verified.ok and verified.checked == 3


@pytest.mark.django_db
def test_the_manifest_names_the_migrations_every_table_s_rows_and_the_chain_head(clerk, backups):
    customer = CustomerFactory(actor=clerk)
    access_log_record(action="reveal", actor=clerk, customer=customer, field="id_number", purpose="核对")
    manifest = backup.backup_database(backups / "b.cbak")
    assert manifest["engine"] == connection.vendor
    assert "0002_split_data_keys" in manifest["migrations"]["vault"]
    assert {"customers_customer", "vault_datakey", "audit_accesslog"} <= set(manifest["tables"])
    assert set(manifest["access_log"]) == {"last_id", "last_hash", "count"}
