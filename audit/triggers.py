"""Database triggers that make the access log append-only. One place for the SQL:
the migration installs it; the test suite's flush (SQLite) lifts and restores it."""

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
    CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();
    """,
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_accesslog_append_only ON {TABLE};",
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
