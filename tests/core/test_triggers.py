"""core.triggers: one table's triggers declared once, installed and removed on the
database in use (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from core.triggers import PgFunction, PgTrigger, SqliteTrigger, Triggers

pytestmark = pytest.mark.django_db

TABLE = "core_trigger_probe"
FROZEN = Triggers(
    TABLE,
    postgres_functions=(
        PgFunction("core_trigger_probe_frozen", "BEGIN RAISE EXCEPTION 'probe is frozen: % refused', TG_OP; END;"),
    ),
    postgres=(PgTrigger("core_trigger_probe_frozen", "BEFORE UPDATE", "core_trigger_probe_frozen"),),
    sqlite=(
        SqliteTrigger.refusal(
            "core_trigger_probe_frozen", "BEFORE UPDATE", "probe is frozen: UPDATE refused", condition="OLD.note <> ''"
        ),
    ),
)


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _update(note: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET note = %s", [note])  # noqa: S608 — our table


def _trigger_count() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'core_trigger_probe_frozen'")
        else:
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        return cursor.fetchone()[0]


@pytest.fixture
def probe():
    _run([f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, note varchar(20) NOT NULL)"])
    _run([f"INSERT INTO {TABLE} (id, note) VALUES (1, 'first')"])  # noqa: S608 — our table
    return TABLE


def test_an_installed_refusal_stops_the_write_and_removing_it_lets_the_write_through(probe):
    _run(FROZEN.install(connection))
    with pytest.raises(DatabaseError, match="probe is frozen"):
        _update("second")
    _run(FROZEN.remove(connection))
    _update("second")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {TABLE}")  # noqa: S608 — our table
        assert cursor.fetchone()[0] == "second"


def test_reinstalling_twice_leaves_one_trigger_and_removing_twice_is_harmless(probe):
    _run(FROZEN.reinstall(connection) * 2)
    assert _trigger_count() == 1
    _run(FROZEN.remove(connection) * 2)
    assert _trigger_count() == 0
