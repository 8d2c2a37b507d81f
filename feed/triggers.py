"""The triggers that write the change feed, on SQLite and PostgreSQL alike.

Each watched table has AFTER INSERT / UPDATE / DELETE triggers that add one
`feed_change` row per row written, in the writer's own transaction (row triggers on
SQLite; statement triggers over the statement's transition tables on PostgreSQL,
so a COPY of 2,000 rows costs one INSERT … SELECT): the object's type, id and
version, the customer and department it belongs to, and the kind of change. The
kind is read from the status: a move to `approved` is an approval (a restore when it
comes from `archived`), a move to `archived`, `destroyed` or `merged` is that
tombstone, anything else an update; an insert is `created`, a delete `deleted`. No
value of the row is copied.

Because the database writes the feed, every writer is covered — the services, the
import (`executemany`), `seed_scale`'s COPY, the admin, a `QuerySet.update()` (the
shredder's) and any writer added later. One place for the SQL: the migration
installs it (`install_statements`), `remove_statements` takes it away.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.triggers import PgFunction, PgTrigger, SqliteTrigger, Triggers

TABLE = "feed_change"


@dataclass(frozen=True)
class Source:
    name: str  # the trigger's name, feed_<name>
    table: str
    object_type: str
    customer: str  # the customer id, over "{r}"
    version: str = "NULL"  # over "{r}"
    has_status: bool = False
    merged_into: str = "NULL"  # over "{r}"


SOURCES = (
    Source(
        "customer",
        "customers_customer",
        "customer",
        customer="{r}.id",
        version="{r}.version",
        has_status=True,
        merged_into="{r}.merged_into_id",
    ),
    Source(
        "transaction",
        "transactions_transaction",
        "transaction",
        customer="{r}.customer_id",
        version="{r}.version",
        has_status=True,
    ),
    Source("contact", "interactions_interaction", "contact", customer="{r}.customer_id"),
    Source("complaint", "interactions_complaint", "complaint", customer="{r}.customer_id"),
    Source("survey", "interactions_feedback", "survey", customer="{r}.customer_id"),
)


def _kind_of_update(source: Source, same: str, *, new: str = "NEW", old: str = "OLD") -> str:
    """The kind of an UPDATE, from the old and the new row (`same`: the dialect's
    null-safe equality)."""
    if not source.has_status:
        return "'updated'"
    return (
        f"CASE WHEN {new}.status {same} {old}.status THEN 'updated' "
        f"WHEN {new}.status = 'approved' AND {old}.status = 'archived' THEN 'restored' "
        f"WHEN {new}.status = 'approved' THEN 'approved' "
        f"WHEN {new}.status = 'archived' THEN 'archived' "
        f"WHEN {new}.status = 'destroyed' THEN 'destroyed' "
        f"WHEN {new}.status = 'merged' THEN 'merged' "
        "ELSE 'updated' END"
    )


COLUMNS = "xid, object_type, object_id, version, kind, customer_id, department_id, merged_into_id, changed_at"


def _values(source: Source, row: str, kind: str, *, xid: str, now: str) -> list[str]:
    return [
        xid,
        f"'{source.object_type}'",
        f"{row}.id",
        source.version.format(r=row),
        kind,
        source.customer.format(r=row),
        f"{row}.department_id",
        source.merged_into.format(r=row),
        now,
    ]


def _insert(source: Source, row: str, kind: str, *, xid: str, now: str) -> str:
    values = _values(source, row, kind, xid=xid, now=now)
    return f"INSERT INTO {TABLE} ({COLUMNS}) VALUES ({', '.join(values)})"  # noqa: S608 — our own SQL


# --- PostgreSQL ------------------------------------------------------------------
# Statement triggers over transition tables: one INSERT … SELECT per statement, so a
# COPY of a batch (seed_scale) or a bulk UPDATE adds its feed rows at the cost of one
# more INSERT of the batch, not a function call per row.

PG_XID = "pg_current_xact_id()::text::bigint"
_PG_EVENTS = ("insert", "update", "delete")


def _pg_select(s: Source, event: str) -> str:
    if event == "insert":
        row, kind, source = "n", "'created'", "feed_new n"
    elif event == "delete":
        row, kind, source = "o", "'deleted'", "feed_old o"
    else:
        row, kind, source = (
            "n",
            _kind_of_update(s, "IS NOT DISTINCT FROM", new="n", old="o"),
            ("feed_new n JOIN feed_old o ON o.id = n.id"),
        )
    columns = _values(s, row, kind, xid="writer", now="now()")
    return f"SELECT {', '.join(columns)} FROM {source} ORDER BY {row}.id"  # noqa: S608 — our own SQL


_TRANSITION_TABLES = {
    "insert": "NEW TABLE AS feed_new",
    "update": "OLD TABLE AS feed_old NEW TABLE AS feed_new",
    "delete": "OLD TABLE AS feed_old",
}


def _postgres_functions(s: Source) -> tuple[PgFunction, ...]:
    return tuple(
        PgFunction(
            f"feed_{s.name}_{event}",
            f"""
            DECLARE writer bigint := {PG_XID};
            BEGIN
                INSERT INTO {TABLE} ({COLUMNS}) {_pg_select(s, event)};
                RETURN NULL;
            END;""",
        )
        for event in _PG_EVENTS
    )


def _postgres_triggers(s: Source) -> tuple[PgTrigger, ...]:
    return tuple(
        PgTrigger(
            f"feed_{s.name}_{event}",
            f"AFTER {event.upper()}",
            f"feed_{s.name}_{event}",
            each="STATEMENT",
            referencing=_TRANSITION_TABLES[event],
        )
        for event in _PG_EVENTS
    )


# --- SQLite ----------------------------------------------------------------------

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_triggers(s: Source) -> tuple[SqliteTrigger, ...]:
    def insert(row: str, kind: str) -> str:
        return _insert(s, row, kind, xid="0", now=SQLITE_NOW) + ";"

    return (
        SqliteTrigger(f"feed_{s.name}_insert", "AFTER INSERT", insert("NEW", "'created'")),
        SqliteTrigger(f"feed_{s.name}_update", "AFTER UPDATE", insert("NEW", _kind_of_update(s, "IS"))),
        SqliteTrigger(f"feed_{s.name}_delete", "AFTER DELETE", insert("OLD", "'deleted'")),
    )


def _triggers(s: Source) -> Triggers:
    return Triggers(
        s.table,
        postgres_functions=_postgres_functions(s),
        postgres=_postgres_triggers(s),
        sqlite=_sqlite_triggers(s),
    )


def install_statements(connection) -> list[str]:
    """Every trigger, each dropped first: running it twice leaves one of each."""
    return [sql for s in SOURCES for sql in _triggers(s).reinstall(connection)]


def remove_statements(connection) -> list[str]:
    return [sql for s in SOURCES for sql in _triggers(s).remove(connection)]
