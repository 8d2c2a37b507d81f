"""Database triggers that make the access log append-only: UPDATE and DELETE are
refused row by row, and on PostgreSQL TRUNCATE too (it fires no row trigger).
One place for the SQL: the migrations install it; the test suite's flush lifts and
restores it.

Triggers hold against the application, not against the table's owner, who can drop
them: in production the application's database role must not own the audit tables
(README "Production database roles"), and the keyed chain with its checkpoints
(audit/chain.py) finds what an owner did anyway."""

TABLE = "audit_accesslog"

POSTGRES_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_accesslog is append-only: % refused', TG_OP;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE OR REPLACE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();
    """,
    f"""
    CREATE OR REPLACE TRIGGER audit_accesslog_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_append_only();
    """,
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_accesslog_append_only ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_accesslog_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only();",
]

SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit_accesslog is append-only: UPDATE refused'); END;
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_accesslog_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit_accesslog is append-only: DELETE refused'); END;
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;",
]


def install(connection) -> list[str]:
    return POSTGRES_INSTALL if connection.vendor == "postgresql" else SQLITE_INSTALL


def remove(connection) -> list[str]:
    return POSTGRES_REMOVE if connection.vendor == "postgresql" else SQLITE_REMOVE
