"""Database triggers that keep an approved transaction's figures as they were
approved: no UPDATE of amount, currency, kind, customer, occurred_at or original,
and no DELETE. One place for the SQL: the migration installs it; the test suite's
flush (SQLite) lifts and restores it."""

TABLE = "transactions_transaction"
PROTECTED = ("amount", "currency", "kind", "customer_id", "occurred_at", "original_id")

_changed_pg = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in PROTECTED)
_changed_sqlite = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in PROTECTED)

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION transactions_approved_is_final() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'approved' THEN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'approved transaction % cannot be deleted: reverse it', OLD.id;
            END IF;
            IF {_changed_pg} THEN
                RAISE EXCEPTION 'approved transaction % cannot be changed: reverse it', OLD.id;
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER transactions_approved_is_final
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION transactions_approved_is_final();
    """,
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS transactions_approved_is_final ON {TABLE};",
    "DROP FUNCTION IF EXISTS transactions_approved_is_final();",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS transactions_approved_no_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.status = 'approved' AND ({_changed_sqlite})
    BEGIN SELECT RAISE(ABORT, 'approved transaction cannot be changed: reverse it'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS transactions_approved_no_delete BEFORE DELETE ON {TABLE}
    WHEN OLD.status = 'approved'
    BEGIN SELECT RAISE(ABORT, 'approved transaction cannot be deleted: reverse it'); END;
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS transactions_approved_no_update;",
    "DROP TRIGGER IF EXISTS transactions_approved_no_delete;",
]


def install(connection) -> list[str]:
    return POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL


def remove(connection) -> list[str]:
    return POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE
