"""Database triggers that keep an approved transaction exactly as it was approved:
no UPDATE of any column — its figures, its status (so approved → draft → edit →
approved is impossible), its version, its maker and checker and their times — no
DELETE, and on PostgreSQL no TRUNCATE. One exception: once its customer is destroyed
(lifecycle.shredding), the free-text `note` may be emptied — the figures stay.
One place for the SQL: the migrations install it; the test suite's flush lifts and
restores it."""

TABLE = "transactions_transaction"
# Every column but the id. A column added to the model later is added here in the
# same migration (`test_every_column_of_an_approved_transaction_is_frozen` fails
# until it is).
PROTECTED = (
    "customer_id",
    "department_id",
    "kind",
    "occurred_at",
    "amount",
    "currency",
    "product_id",
    "quantity",
    "payment_method",
    "order_no",
    "original_id",
    "note",
    "status",
    "version",
    "entered_by_id",
    "entered_at",
    "reviewed_by_id",
    "reviewed_at",
    "created_at",
)

# One move is allowed (issue 19, a reviewed merge): to the customer its former
# customer was merged into, once that record is a `merged` tombstone pointing there.
_MOVED_BY_MERGE = (
    "EXISTS (SELECT 1 FROM customers_customer merged WHERE merged.id = OLD.customer_id "
    "AND merged.status = 'merged' AND merged.merged_into_id = NEW.customer_id)"
)
# A personal value a note might hold is erased when the customer is destroyed: the
# note may become empty then, and only then (the customer row is marked destroyed
# first, in the same transaction).
ERASABLE = "note"
_DESTROYED = "(SELECT status FROM customers_customer WHERE id = OLD.customer_id) = 'destroyed'"
_FIXED = [c for c in PROTECTED if c not in ("customer_id", ERASABLE)]
_changed_pg = " OR ".join(
    [f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _FIXED]
    + [f"(NEW.customer_id IS DISTINCT FROM OLD.customer_id AND NOT {_MOVED_BY_MERGE})"]
    + [f"(NEW.{ERASABLE} IS DISTINCT FROM OLD.{ERASABLE} AND NOT (NEW.{ERASABLE} = '' AND {_DESTROYED}))"]
)
_changed_sqlite = " OR ".join(
    [f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED]
    + [f"(NEW.customer_id IS NOT OLD.customer_id AND NOT {_MOVED_BY_MERGE})"]
    + [f"(NEW.{ERASABLE} IS NOT OLD.{ERASABLE} AND NOT (NEW.{ERASABLE} = '' AND {_DESTROYED}))"]
)

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
    CREATE OR REPLACE TRIGGER transactions_approved_is_final
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION transactions_approved_is_final();
    """,
    """
    CREATE OR REPLACE FUNCTION transactions_no_truncate() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'transactions cannot be truncated: approved transactions are final';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE TRIGGER transactions_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION transactions_no_truncate();
    """,
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS transactions_approved_is_final ON {TABLE};",
    f"DROP TRIGGER IF EXISTS transactions_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS transactions_approved_is_final();",
    "DROP FUNCTION IF EXISTS transactions_no_truncate();",
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
