"""The triggers that write the change feed, on SQLite and PostgreSQL alike.

Each watched table has an AFTER INSERT / UPDATE / DELETE row trigger that adds one
`feed_change` row in the writer's own transaction: the object's type, id and
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


def _kind_of_update(source: Source, same: str) -> str:
    """The kind of an UPDATE, from OLD and NEW (`same`: the dialect's null-safe equality)."""
    if not source.has_status:
        return "'updated'"
    return (
        f"CASE WHEN NEW.status {same} OLD.status THEN 'updated' "
        "WHEN NEW.status = 'approved' AND OLD.status = 'archived' THEN 'restored' "
        "WHEN NEW.status = 'approved' THEN 'approved' "
        "WHEN NEW.status = 'archived' THEN 'archived' "
        "WHEN NEW.status = 'destroyed' THEN 'destroyed' "
        "WHEN NEW.status = 'merged' THEN 'merged' "
        "ELSE 'updated' END"
    )


def _insert(source: Source, row: str, kind: str, *, xid: str, now: str) -> str:
    values = [
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
    return (
        f"INSERT INTO {TABLE} (xid, object_type, object_id, version, kind, customer_id, department_id, "  # noqa: S608
        f"merged_into_id, changed_at) VALUES ({', '.join(values)})"
    )


# --- PostgreSQL ------------------------------------------------------------------

PG_XID = "pg_current_xact_id()::text::bigint"


def _postgres_install(s: Source) -> list[str]:
    def insert(row: str, kind: str) -> str:
        return _insert(s, row, kind, xid=PG_XID, now="now()")

    function = f"""
    CREATE OR REPLACE FUNCTION feed_{s.name}() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            {insert("OLD", "'deleted'")};
        ELSIF TG_OP = 'INSERT' THEN
            {insert("NEW", "'created'")};
        ELSE
            {insert("NEW", _kind_of_update(s, "IS NOT DISTINCT FROM"))};
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """
    trigger = f"""
    CREATE OR REPLACE TRIGGER feed_{s.name} AFTER INSERT OR UPDATE OR DELETE ON {s.table}
    FOR EACH ROW EXECUTE FUNCTION feed_{s.name}();
    """
    return [function, trigger]


def _postgres_remove(s: Source) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS feed_{s.name} ON {s.table};", f"DROP FUNCTION IF EXISTS feed_{s.name}();"]


# --- SQLite ----------------------------------------------------------------------

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_install(s: Source) -> list[str]:
    def insert(row: str, kind: str) -> str:
        return _insert(s, row, kind, xid="0", now=SQLITE_NOW)

    created, deleted = insert("NEW", "'created'"), insert("OLD", "'deleted'")
    return [
        f"CREATE TRIGGER IF NOT EXISTS feed_{s.name}_insert AFTER INSERT ON {s.table} BEGIN {created}; END;",
        f"CREATE TRIGGER IF NOT EXISTS feed_{s.name}_update AFTER UPDATE ON {s.table} "
        f"BEGIN {insert('NEW', _kind_of_update(s, 'IS'))}; END;",
        f"CREATE TRIGGER IF NOT EXISTS feed_{s.name}_delete AFTER DELETE ON {s.table} BEGIN {deleted}; END;",
    ]


def _sqlite_remove(s: Source) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS feed_{s.name}_{op};" for op in ("insert", "update", "delete")]


def install_statements(connection) -> list[str]:
    """Every trigger, each dropped first: running it twice leaves one of each."""
    if connection.vendor == "postgresql":
        return [sql for s in SOURCES for sql in (*_postgres_remove(s), *_postgres_install(s))]
    return [sql for s in SOURCES for sql in (*_sqlite_remove(s), *_sqlite_install(s))]


def remove_statements(connection) -> list[str]:
    remove = _postgres_remove if connection.vendor == "postgresql" else _sqlite_remove
    return [sql for s in SOURCES for sql in remove(s)]
