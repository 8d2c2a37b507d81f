"""The key store outside the database (issue 17's open point): every data key needs
its share, kept in CRM_KEY_STORE, to open."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps as global_apps
from django.db import transaction

from customers.models import Customer
from tests.factories import CustomerFactory
from vault import crypto, keystore
from vault.models import DataKey

split_migration = importlib.import_module("vault.migrations.0002_split_data_keys")


def _fresh(customer: Customer) -> Customer:
    return Customer.objects.select_related("data_key").get(pk=customer.pk)


@pytest.mark.django_db
def test_a_new_data_key_has_its_share_in_the_key_store_and_not_in_the_database(clerk):
    customer = CustomerFactory(actor=clerk)
    share = keystore.share_get(customer.data_key_id)
    assert share is not None and len(share) == 32
    row = DataKey.objects.get(pk=customer.data_key_id)
    assert share not in bytes(row.wrapped)
    assert _fresh(customer).id_number == customer.id_number


@pytest.mark.django_db
def test_without_its_share_a_data_key_does_not_open_even_with_the_master_key(clerk):
    customer = CustomerFactory(actor=clerk)
    keystore.shares_forget([customer.data_key_id])
    with pytest.raises(crypto.DataKeyDestroyed, match="no share in the key store"):
        _ = _fresh(customer).id_number


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deleted_data_key_loses_its_share_when_the_deletion_commits_and_keeps_it_when_it_rolls_back(clerk):
    customer = CustomerFactory(actor=clerk)
    key_id = customer.data_key_id

    with pytest.raises(RuntimeError), transaction.atomic():
        DataKey.objects.filter(pk=key_id).delete()
        raise RuntimeError("rolled back")
    assert keystore.share_get(key_id) is not None

    DataKey.objects.filter(pk=key_id).delete()
    assert keystore.share_get(key_id) is None


@pytest.mark.django_db
def test_the_migration_gives_keys_made_before_the_key_store_their_shares(clerk):
    customer = CustomerFactory(actor=clerk)
    row = DataKey.objects.get(pk=customer.data_key_id)
    crypto.join_existing(row)  # as it was wrapped before the key store existed
    row.save(update_fields=["master_key_id", "wrapped"])
    assert keystore.share_get(row.pk) is None
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = _fresh(customer).id_number

    split_migration.split(global_apps, None)

    assert keystore.share_get(row.pk) is not None
    assert _fresh(customer).id_number == customer.id_number


@pytest.mark.django_db
def test_rotating_the_master_key_keeps_the_share_needed(clerk, settings):
    customer = CustomerFactory(actor=clerk)
    new_key = "rotk:" + "A" * 43 + "="
    settings.CRM_FIELD_KEYS = f"{new_key},{settings.CRM_FIELD_KEYS}"
    row = DataKey.objects.get(pk=customer.data_key_id)
    assert crypto.rewrap(row)
    row.save()
    assert _fresh(customer).id_number == customer.id_number
    keystore.shares_forget([row.pk])
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = _fresh(customer).id_number


def test_the_ledger_keeps_each_entry_on_its_own_line_and_skips_a_torn_last_line(settings, tmp_path):
    settings.CRM_KEY_STORE = str(tmp_path)
    keystore.ledger_append(kind="destroyed", subject=7, label="KH2026000007", key_ids=["k1"])
    with keystore.ledger_path().open("a") as ledger:
        ledger.write('{"kind": "destroyed", "subj')  # a crash mid-append
    keystore.ledger_append(kind="merged", subject=8, label="KH2026000008", key_ids=[])
    keystore.ledger_append(kind="merged", subject=8, label="KH2026000008", key_ids=[])  # once is enough
    assert [(e["subject"], e["kind"]) for e in keystore.ledger_read()] == [(7, "destroyed"), (8, "merged")]


def test_shares_are_made_a_batch_at_a_time_and_a_forked_process_never_reuses_its_parents_ids(settings, tmp_path):
    import os

    settings.CRM_KEY_STORE = str(tmp_path)
    made = [keystore.allocate() for _ in range(keystore.BATCH + 1)]
    assert len({key_id for key_id, _ in made}) == keystore.BATCH + 1
    assert len(list((tmp_path / keystore.SHARES).glob("*.batch"))) == 2
    assert all(keystore.share_get(key_id) == share for key_id, share in made)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, keystore.allocate()[0].bytes)
        os._exit(0)
    os.waitpid(pid, 0)
    child_id = uuid.UUID(bytes=os.read(read, 16))
    assert child_id.bytes[:12] not in {key_id.bytes[:12] for key_id, _ in made}


def test_forgetting_a_batched_share_zeroes_it_in_place_and_leaves_its_neighbours(settings, tmp_path):
    settings.CRM_KEY_STORE = str(tmp_path)
    (first, _), (second, share) = keystore.allocate(), keystore.allocate()
    assert keystore.shares_forget([first]) == 1
    assert keystore.share_get(first) is None and keystore.share_get(second) == share
    assert first not in set(keystore.share_ids()) and second in set(keystore.share_ids())
    assert keystore.shares_forget([first]) == 0
