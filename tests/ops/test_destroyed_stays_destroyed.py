"""A backup taken before a destruction and restored after it never shows that
customer's personal values (issue 18 item 2): the shares of its data keys are gone
from the key store, and restore replays the destruction ledger."""

from __future__ import annotations

import pytest
from django.db import connection

from bulk.models import ImportJob, RowProblem
from customers.models import Customer, Status
from lifecycle.models import DestructionBasis
from lifecycle.services import destruction
from ops import backup, keyledger
from ops.restore import restore
from tests.lifecycle.conftest import SIMA_VALUES, make_doomed
from tests.lifecycle.test_destruction import every_table_as_text, raw_sqlite_bytes
from vault import crypto, keystore
from vault.models import DataKey


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_taken_before_a_destruction_and_restored_after_it_shows_the_customers_values_nowhere(
    clerk, reviewer, manager, security_officer, backups
):
    doomed = make_doomed(clerk=clerk, reviewer=reviewer, manager=manager).customer
    request = destruction.destruction_request(
        actor=manager, customer=doomed, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    job = ImportJob.objects.create(owner=clerk, filename="people.csv", file_format="csv")
    RowProblem.objects.create(job=job, row=3, column="证件号码", message="证件号 110101 198001010037 已存在")
    RowProblem.objects.create(job=job, row=4, column="银行账号", message="账号 6222020200112233446 重复")
    old_keys = {doomed.data_key_id}
    before = backups / "before.cbak"
    backup.backup_database(before)
    keys_before = backups / "keys-before.ckeys"
    backup.backup_keys(keys_before)  # the worst case: the key store's backup is older too

    destruction.destruction_approve(actor=security_officer, request=request)
    assert keystore.share_get(doomed.data_key_id) is None

    report = restore(before, force=True)
    keyledger.restore_keys(keys_before)

    assert report.replay.destroyed == [doomed.archive_no]
    tombstone = Customer.objects.get(pk=doomed.pk)
    assert (tombstone.status, tombstone.name, tombstone.data_key_id) == (Status.DESTROYED, "", None)
    dump = every_table_as_text()
    assert doomed.archive_no in dump and "1280.5" in dump  # the scan reads the restored rows
    assert [v for v in SIMA_VALUES if v in dump] == [] and "110101 198001010037" not in dump
    if connection.vendor == "sqlite":
        assert [v for v in SIMA_VALUES if v.encode() in raw_sqlite_bytes()] == []
    assert not DataKey.objects.filter(id__in=old_keys).exists()
    assert all(keystore.share_get(key) is None for key in old_keys)  # not put back from the key backup


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_ledger_replay_the_restored_copy_still_cannot_decrypt_the_destroyed_customer(
    clerk, reviewer, manager, security_officer, backups, monkeypatch
):
    """The two defences stand apart: even a restore that skipped the ledger leaves
    the destroyed customer's S3 values sealed for good (their shares are gone)."""
    doomed = make_doomed(clerk=clerk, reviewer=reviewer, manager=manager).customer
    request = destruction.destruction_request(
        actor=manager, customer=doomed, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    before = backups / "before.cbak"
    backup.backup_database(before)
    destruction.destruction_approve(actor=security_officer, request=request)
    monkeypatch.setattr("ops.restore.replay_ledger", keyledger.Replay)

    restore(before, force=True)

    copy = Customer.objects.select_related("data_key").get(pk=doomed.pk)
    assert copy.status == Status.APPROVED  # the old row is back, as the backup had it
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = copy.id_number
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = copy.bank_account


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_merged_away_after_the_backup_loses_its_keys_and_sealed_values_again_on_restore(
    clerk, other_clerk, reviewer, manager, backups
):
    from customers import services as customer_services
    from tests.customers.test_merge import _approved

    survivor = _approved(clerk, reviewer, n=1, name="刘洋", mobile="+8613600000001")
    merged = _approved(other_clerk, reviewer, n=2, name="劉洋", mobile="+8613600000002")
    survivor_id_number = Customer.objects.get(pk=survivor.pk).id_number
    before = backups / "before.cbak"
    backup.backup_database(before)
    merge = customer_services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    customer_services.merge_approve(actor=reviewer, merge=merge)
    assert [(e["kind"], e["subject"]) for e in keystore.ledger_read()] == [("merged", merged.pk)]

    report = restore(before, force=True)

    assert report.replay.merged == [merged.archive_no] and report.replay.destroyed == []
    copy = Customer.objects.get(pk=merged.pk)
    assert (copy.data_key_id, copy.id_number_index, copy.bank_account_index) == (None, "", "")
    assert copy.id_number == "" and copy.bank_account == ""
    assert not DataKey.objects.filter(pk=merged.data_key_id).exists()
    assert Customer.objects.get(pk=survivor.pk).id_number == survivor_id_number  # the survivor untouched
