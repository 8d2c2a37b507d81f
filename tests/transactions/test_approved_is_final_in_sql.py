"""An approved transaction is frozen whole in the database (issue 14 item 5): by raw
SQL, as the application's role could run it, no column changes and nothing goes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from transactions import triggers
from transactions.models import Status, Transaction

from .test_transactions import _approved, _entered


def _sql(statement: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_column_of_an_approved_transaction_is_frozen():
    columns = {field.column for field in Transaction._meta.concrete_fields} - {"id"}
    assert columns == set(triggers.PROTECTED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("status", Status.DRAFT),
        ("status", Status.RETURNED),
        ("version", 99),
        ("reviewed_by_id", None),
        ("reviewed_at", None),
        ("entered_by_id", None),
        ("note", "changed after approval"),
        ("order_no", "X-1"),
    ],
)
def test_raw_sql_cannot_change_an_approved_transactions_status_makers_or_checkers(
    clerk, reviewer, approved_customer, column, value
):
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(DatabaseError):
        _sql(f"UPDATE transactions_transaction SET {column} = %s WHERE id = %s", [value, txn.pk])  # noqa: S608
    frozen = Transaction.objects.get(pk=txn.pk)
    assert (frozen.status, frozen.version, frozen.reviewed_by_id, frozen.entered_by_id) == (
        Status.APPROVED,
        txn.version,
        reviewer.pk,
        clerk.pk,
    )


@pytest.mark.django_db
def test_draft_edit_approved_by_sql_is_impossible(clerk, reviewer, approved_customer):
    """The attack: flip to draft, change the amount, flip back — the first step fails."""
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(DatabaseError):
        _sql(
            "UPDATE transactions_transaction SET status = 'draft', amount = %s WHERE id = %s",
            [Decimal("1.00"), txn.pk],
        )
    assert Transaction.objects.get(pk=txn.pk).amount == Decimal("100.00")


@pytest.mark.django_db
def test_the_database_refuses_to_delete_or_truncate_approved_transactions(clerk, reviewer, approved_customer):
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(DatabaseError):
        _sql("DELETE FROM transactions_transaction WHERE id = %s", [txn.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError):
            _sql("TRUNCATE transactions_transaction CASCADE", [])
    assert Transaction.objects.filter(pk=txn.pk).exists()


@pytest.mark.django_db
def test_a_draft_remains_the_makers_to_change(clerk, approved_customer):
    draft = _entered(clerk, approved_customer)
    _sql("UPDATE transactions_transaction SET note = %s, amount = %s WHERE id = %s", ["typo fixed", "5.00", draft.pk])
    assert Transaction.objects.get(pk=draft.pk).amount == Decimal("5.00")
