"""Database triggers that make the access log append-only: UPDATE and DELETE are
refused row by row, and on PostgreSQL TRUNCATE too (it fires no row trigger).
One place for the SQL: the migrations install it; the test suite's flush lifts and
restores it.

Triggers hold against the application, not against the table's owner, who can drop
them: in production the application's database role must not own the audit tables
(README "Production database roles"), and the keyed chain with its checkpoints
(audit/chain.py) finds what an owner did anyway."""

from core.triggers import PgFunction, PgTrigger, SqliteTrigger, Triggers

TABLE = "audit_accesslog"

TRIGGERS = Triggers(
    TABLE,
    postgres_functions=(
        PgFunction(
            "audit_accesslog_append_only",
            """
    BEGIN
        RAISE EXCEPTION 'audit_accesslog is append-only: % refused', TG_OP;
    END;""",
        ),
    ),
    postgres=(
        PgTrigger("audit_accesslog_append_only", "BEFORE UPDATE OR DELETE", "audit_accesslog_append_only"),
        PgTrigger("audit_accesslog_no_truncate", "BEFORE TRUNCATE", "audit_accesslog_append_only", each="STATEMENT"),
    ),
    sqlite=(
        SqliteTrigger.refusal("audit_accesslog_no_update", "BEFORE UPDATE", f"{TABLE} is append-only: UPDATE refused"),
        SqliteTrigger.refusal("audit_accesslog_no_delete", "BEFORE DELETE", f"{TABLE} is append-only: DELETE refused"),
    ),
)
# The migrations call these by name.
install = TRIGGERS.install
remove = TRIGGERS.remove
