"""Database triggers on SQLite and PostgreSQL, written once.

An app that keeps a rule or a figure in the database declares its triggers here as
data — for PostgreSQL the functions (their PL/pgSQL) and the triggers that run them,
for SQLite the triggers with their statements — and `Triggers` writes the SQL that
installs them (`CREATE OR REPLACE` / `IF NOT EXISTS`) and removes them (`IF EXISTS`)
on the database in use. Each app keeps only its own SQL; its migrations and the test
suite's flush run the statements.

Installing is idempotent; `reinstall` removes first, so a changed trigger replaces
the old one and running it twice leaves one of each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PgFunction:
    name: str
    body: str  # the PL/pgSQL between the $$ (DECLARE … BEGIN … END;)

    def create(self) -> str:
        return f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger AS $$\n{self.body}\n$$ LANGUAGE plpgsql;"

    def drop(self) -> str:
        return f"DROP FUNCTION IF EXISTS {self.name}();"


@dataclass(frozen=True)
class PgTrigger:
    name: str
    when: str  # "BEFORE UPDATE OR DELETE", "AFTER INSERT", "BEFORE TRUNCATE" …
    function: str
    each: str = "ROW"  # or "STATEMENT"
    referencing: str = ""  # "NEW TABLE AS new_rows" (statement triggers over transition tables)

    def create(self, table: str) -> str:
        referencing = f" REFERENCING {self.referencing}" if self.referencing else ""
        return (
            f"CREATE OR REPLACE TRIGGER {self.name} {self.when} ON {table}{referencing} "
            f"FOR EACH {self.each} EXECUTE FUNCTION {self.function}();"
        )

    def drop(self, table: str) -> str:
        return f"DROP TRIGGER IF EXISTS {self.name} ON {table};"


@dataclass(frozen=True)
class SqliteTrigger:
    name: str
    when: str  # "BEFORE UPDATE", "AFTER INSERT" …
    body: str  # the statements between BEGIN and END, each ending in ";"
    condition: str = ""  # the WHEN clause's expression, if any

    def create(self, table: str) -> str:
        condition = f" WHEN {self.condition}" if self.condition else ""
        return f"CREATE TRIGGER IF NOT EXISTS {self.name} {self.when} ON {table}{condition} BEGIN {self.body} END;"

    def drop(self) -> str:
        return f"DROP TRIGGER IF EXISTS {self.name};"

    @classmethod
    def refusal(cls, name: str, when: str, message: str, *, condition: str = "") -> SqliteTrigger:
        """A trigger that aborts the statement with `message` (when `condition` holds)."""
        return cls(name, when, f"SELECT RAISE(ABORT, '{message}');", condition=condition)


@dataclass(frozen=True)
class Triggers:
    """One table's triggers on both databases."""

    table: str
    postgres_functions: tuple[PgFunction, ...] = ()
    postgres: tuple[PgTrigger, ...] = ()
    sqlite: tuple[SqliteTrigger, ...] = ()

    def install(self, connection) -> list[str]:
        if connection.vendor == "postgresql":
            return [f.create() for f in self.postgres_functions] + [t.create(self.table) for t in self.postgres]
        return [t.create(self.table) for t in self.sqlite]

    def remove(self, connection) -> list[str]:
        if connection.vendor == "postgresql":
            return [t.drop(self.table) for t in self.postgres] + [f.drop() for f in self.postgres_functions]
        return [t.drop() for t in self.sqlite]

    def reinstall(self, connection) -> list[str]:
        return [*self.remove(connection), *self.install(connection)]
