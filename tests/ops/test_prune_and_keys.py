"""Retention (`backup --prune`) and the key store's own backup (`backup --keys`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from ops import backup, keyledger
from ops import backup_format as fmt
from tests.factories import CustomerFactory
from vault import keystore

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def _fake(directory, name, kind, when: datetime) -> None:
    header = fmt.Header(kind, int(when.timestamp()), os.urandom(16)).pack()
    (directory / name).write_bytes(header + b"\x00" * 64)


def test_prune_keeps_seven_daily_four_weekly_twelve_monthly_and_thirty_days_of_key_backups(backups, monkeypatch):
    for days in range(0, 500):
        _fake(backups, f"db-{days:03}.cbak", fmt.DATABASE, NOW - timedelta(days=days))
    for days in (1, 10, 29, 31, 90):
        _fake(backups, f"keys-{days:03}.ckeys", fmt.KEYS, NOW - timedelta(days=days))
    (backups / "notes.txt").write_text("not a backup")
    monkeypatch.setattr("ops.retention.time.time", NOW.timestamp)

    out = StringIO()
    call_command("backup", str(backups), "--prune", stdout=out)

    left = sorted(p.name for p in backups.iterdir())
    databases = [n for n in left if n.startswith("db-")]
    assert [f"db-{d:03}.cbak" for d in range(7)] == databases[:7]  # the last 7 days
    # 2026-11-29 is a Sunday: the newest of the 4 weeks before are the Sundays 7, 14 and 21 days ago.
    assert {"db-007.cbak", "db-014.cbak", "db-021.cbak"} <= set(databases)
    assert "db-008.cbak" not in databases and "db-499.cbak" not in databases
    assert "db-060.cbak" in databases and "db-061.cbak" not in databases  # 2026-09-30: the newest of September
    assert len(databases) <= 7 + 4 + 12
    assert [n for n in left if n.startswith("keys-")] == ["keys-001.ckeys", "keys-010.ckeys", "keys-029.ckeys"]
    assert "notes.txt" in left


def test_an_only_key_backup_is_kept_however_old(backups, monkeypatch):
    _fake(backups, "keys.ckeys", fmt.KEYS, NOW - timedelta(days=90))
    monkeypatch.setattr("ops.retention.time.time", NOW.timestamp)
    call_command("backup", str(backups), "--prune", stdout=StringIO())
    assert (backups / "keys.ckeys").exists()


@pytest.mark.django_db
def test_the_key_store_backup_puts_lost_shares_back_but_never_a_shredded_one(clerk, backups):
    kept, shredded = CustomerFactory(actor=clerk), CustomerFactory(actor=clerk)
    out = backups / "keys.ckeys"
    call_command("backup", str(out), "--keys", stdout=StringIO())
    assert "OK: keys backup" in _verify(out)
    keystore.ledger_append(kind="destroyed", subject=shredded.pk, label=shredded.archive_no,
                           key_ids=[shredded.data_key_id])  # fmt: skip
    keystore.shares_forget([kept.data_key_id, shredded.data_key_id])  # the disk lost; one destroyed meanwhile

    done = keyledger.restore_keys(out)

    assert done["shares_written"] == 1
    assert keystore.share_get(kept.data_key_id) is not None
    assert keystore.share_get(shredded.data_key_id) is None


def _verify(path) -> str:
    out = StringIO()
    call_command("backup", str(path), "--verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_backup_appends_to_the_ledger_a_destruction_the_database_records_but_the_ledger_missed(
    clerk, reviewer, manager, security_officer, backups
):
    from lifecycle.models import DestructionBasis
    from lifecycle.services import destruction
    from tests.lifecycle.conftest import make_doomed

    customer = make_doomed(clerk=clerk, reviewer=reviewer, manager=manager).customer
    request = destruction.destruction_request(
        actor=manager, customer=customer, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    # Committed, but the process died before its on-commit ledger append ran (this test's
    # transaction never commits, so the append never runs: the same state).
    destruction.destruction_approve(actor=security_officer, request=request)
    assert keystore.ledger_read() == []

    backup.backup_database(backups / "b.cbak")

    assert [(e["subject"], e["label"]) for e in keystore.ledger_read()] == [(customer.pk, customer.archive_no)]
