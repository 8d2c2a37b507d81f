"""Destruction by crypto-shredding (issue 17 item 4, SPEC §5)."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections

from customers.models import ChangeRequest, Customer, Status
from lifecycle.models import DestructionRecord, DestructionRequest, DestructionStatus
from lifecycle.services import destruction, holds
from tests.factories import UserFactory
from tests.lifecycle.conftest import SIMA_VALUES
from transactions.models import Transaction
from vault import crypto, keystore
from vault.models import DataKey


def every_table_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def raw_sqlite_bytes() -> bytes:
    path = Path(connection.settings_dict["NAME"])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def second_security_officer(department, username="security2"):
    user = UserFactory(username=username, department=department, is_staff=True)
    user.groups.add(Group.objects.get(name="security_officer"))
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_destruction_no_personal_value_of_the_customer_is_anywhere_in_the_database(
    doomed, destruction_request, security_officer
):
    before = every_table_as_text()
    assert [v for v in SIMA_VALUES if v not in before] == ["110101198001010037"]  # sealed; the rest is text

    record = destruction.destruction_approve(actor=security_officer, request=destruction_request)

    dump = every_table_as_text()
    assert doomed.customer.archive_no in dump and "1280.5" in dump  # the scan reads real rows
    assert [v for v in SIMA_VALUES if v in dump] == []
    assert Customer.history.filter(id=doomed.customer.pk).count() >= 5  # the history rows stay, emptied
    if connection.vendor == "sqlite":
        raw = raw_sqlite_bytes()
        assert len(raw) > 100_000
        assert [v for v in SIMA_VALUES if v.encode() in raw] == []
    assert record.erased["customers.HistoricalCustomer"]["rows"] >= 5
    assert {"interactions.Interaction", "interactions.Complaint", "interactions.Feedback", "review.ReviewDecision",
            "customers.ChangeRequest", "transactions.Transaction"} <= set(record.erased)  # fmt: skip


@pytest.mark.django_db
def test_a_copy_of_the_database_taken_before_the_destruction_cannot_decrypt_the_customers_values(
    doomed, destruction_request, security_officer, django_capture_on_commit_callbacks
):
    """Issue 17's open point. A copy taken before the destruction holds everything the
    database held then — the history rows, the change request's proposal AND the
    wrapped data keys. Put back (as whoever holds the copy would), they still do not
    open: each key's share lived only in the key store, and the destruction deleted it."""
    history = Customer.history.model
    field = history._meta.get_field("id_number")
    dumped = list(history.objects.filter(id=doomed.customer.pk).exclude(id_number="").values())
    change = ChangeRequest.objects.filter(customer=doomed.customer).values().get()
    key_ids = {row["data_key_id"] for row in dumped} | {change["data_key_id"]}
    copied_keys = list(DataKey.objects.filter(id__in=key_ids).values())
    assert len(copied_keys) == 2
    assert field.open(history(**dumped[0]), dumped[0]["id_number"].token) == "110101198001010037"

    with django_capture_on_commit_callbacks(execute=True):
        destruction.destruction_approve(actor=security_officer, request=destruction_request)

    assert not DataKey.objects.filter(id__in=key_ids).exists()
    DataKey.objects.bulk_create([DataKey(**row) for row in copied_keys])  # the copy's key rows, back
    for row in dumped:
        with pytest.raises(crypto.DataKeyDestroyed, match="no share in the key store"):
            field.open(history(**row), row["id_number"].token)
    with pytest.raises(crypto.DataKeyDestroyed, match="no share in the key store"):
        ChangeRequest._meta.get_field("proposal").open(ChangeRequest(**change), change["proposal"].token)
    assert [e["label"] for e in keystore.ledger_read() if e["subject"] == doomed.customer.pk] == [
        doomed.customer.archive_no
    ]


@pytest.mark.django_db
def test_the_tombstone_keeps_the_archive_number_and_the_transaction_figures(
    doomed, destruction_request, security_officer, manager
):
    record = destruction.destruction_approve(actor=security_officer, request=destruction_request, note="核对无误")

    tombstone = Customer.objects.get(pk=doomed.customer.pk)
    assert (tombstone.status, tombstone.archive_no, tombstone.name) == (
        Status.DESTROYED,
        doomed.customer.archive_no,
        "",
    )
    assert (tombstone.data_key_id, tombstone.id_number_index, tombstone.bank_account_index) == (None, "", "")
    txn = Transaction.objects.get(pk=doomed.transaction_id)
    assert (txn.amount, txn.kind, txn.status, txn.note) == (Decimal("1280.50"), "purchase", "approved", "")
    assert (record.requested_by, record.approved_by, record.archive_no) == (
        manager,
        security_officer,
        tombstone.archive_no,
    )
    assert record.shredded_keys == 2  # the customer's and its change request's
    assert DestructionRequest.objects.get(pk=destruction_request.pk).status == DestructionStatus.DONE


@pytest.mark.django_db
def test_the_requester_cannot_approve_their_own_destruction(doomed, destruction_request, manager):
    manager.groups.add(Group.objects.get(name="security_officer"))
    manager = type(manager).objects.get(pk=manager.pk)
    with pytest.raises(PermissionDenied):
        destruction.destruction_approve(actor=manager, request=destruction_request)
    assert Customer.objects.get(pk=doomed.customer.pk).status == Status.APPROVED


@pytest.mark.django_db
def test_the_database_refuses_a_destruction_decided_by_its_requester(destruction_request, manager):
    with pytest.raises(IntegrityError):
        DestructionRequest.objects.filter(pk=destruction_request.pk).update(decided_by=manager)


@pytest.mark.django_db
def test_a_security_officer_cannot_ask_for_a_destruction_and_a_clerk_cannot_either(doomed, security_officer, clerk):
    for actor in (security_officer, clerk):
        with pytest.raises(PermissionDenied):
            destruction.destruction_request(
                actor=actor, customer=doomed.customer, basis="retention_passed", reason="到期"
            )


@pytest.mark.django_db
def test_retention_not_yet_passed_is_no_basis_for_destruction(approved_customer, manager):
    with pytest.raises(ValidationError) as refused:
        destruction.destruction_request(
            actor=manager, customer=approved_customer, basis="retention_passed", reason="到期"
        )
    assert "basis" in refused.value.error_dict


@pytest.mark.django_db
def test_a_legal_hold_blocks_destruction_until_it_is_lifted(doomed, destruction_request, manager, security_officer):
    hold = holds.legal_hold_place(actor=manager, customer=doomed.customer, reason="投诉未结")
    with pytest.raises(ValidationError, match="FH"):
        destruction.destruction_approve(actor=security_officer, request=destruction_request)
    with pytest.raises(ValidationError):
        destruction.destruction_request(actor=manager, customer=doomed.customer, basis="retention_passed", reason="x")
    assert Customer.objects.get(pk=doomed.customer.pk).status == Status.APPROVED

    holds.legal_hold_lift(actor=manager, hold=hold)
    destruction.destruction_approve(actor=security_officer, request=destruction_request)
    assert Customer.objects.get(pk=doomed.customer.pk).status == Status.DESTROYED


@pytest.mark.django_db
def test_a_destruction_that_fails_midway_leaves_nothing_half_done(
    doomed, destruction_request, security_officer, monkeypatch
):
    """One transaction: a process killed after the shredding, before the record is
    written, leaves the customer, its keys and the request exactly as they were."""
    key_id = doomed.customer.data_key_id

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(DestructionRecord, "save", killed)
    with pytest.raises(SystemExit):
        destruction.destruction_approve(actor=security_officer, request=destruction_request)

    customer = Customer.objects.get(pk=doomed.customer.pk)
    assert (customer.status, customer.name, customer.id_number) == (Status.APPROVED, "司马远航", "110101198001010037")
    assert DataKey.objects.filter(id=key_id).exists()
    assert DestructionRequest.objects.get(pk=destruction_request.pk).status == DestructionStatus.REQUESTED
    assert Transaction.objects.get(pk=doomed.transaction_id).note == "由 6222020200112233446 转账"
    assert not DestructionRecord.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_destroy_once(doomed, destruction_request, security_officer, department):
    officers = [security_officer, second_security_officer(department)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(officer):
        try:
            barrier.wait(timeout=10)
            destruction.destruction_approve(actor=officer, request=destruction_request)
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["done", "refused"]
    assert DestructionRecord.objects.count() == 1
    assert Customer.objects.get(pk=doomed.customer.pk).status == Status.DESTROYED
