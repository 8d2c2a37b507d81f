"""Database triggers that keep an approved transaction exactly as it was approved:
no UPDATE of any column — its figures, its status (so approved → draft → edit →
approved is impossible), its version, its maker and checker and their times — no
DELETE, and on PostgreSQL no TRUNCATE. One exception: once its customer is destroyed
(lifecycle.shredding), the free-text `note` may be emptied — the figures stay.
One place for the SQL: the migrations install it; the test suite's flush lifts and
restores it."""

from core.triggers import PgFunction, PgTrigger, SqliteTrigger, Triggers

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

TRIGGERS = Triggers(
    TABLE,
    postgres_functions=(
        PgFunction(
            "transactions_approved_is_final",
            f"""
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
    END;""",
        ),
        PgFunction(
            "transactions_no_truncate",
            """
    BEGIN
        RAISE EXCEPTION 'transactions cannot be truncated: approved transactions are final';
    END;""",
        ),
    ),
    postgres=(
        PgTrigger("transactions_approved_is_final", "BEFORE UPDATE OR DELETE", "transactions_approved_is_final"),
        PgTrigger("transactions_no_truncate", "BEFORE TRUNCATE", "transactions_no_truncate", each="STATEMENT"),
    ),
    sqlite=(
        SqliteTrigger.refusal(
            "transactions_approved_no_update",
            "BEFORE UPDATE",
            "approved transaction cannot be changed: reverse it",
            condition=f"OLD.status = 'approved' AND ({_changed_sqlite})",
        ),
        SqliteTrigger.refusal(
            "transactions_approved_no_delete",
            "BEFORE DELETE",
            "approved transaction cannot be deleted: reverse it",
            condition="OLD.status = 'approved'",
        ),
    ),
)
# The migrations call these by name.
install = TRIGGERS.install
remove = TRIGGERS.remove
