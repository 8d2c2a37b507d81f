"""Report summaries kept by the database itself (issue 15).

Each summary is a small table of counts (and sums) per department and per figure —
a customer's status, tier, kind…; an approved transaction's day, kind, payment
method and product — that the reports read instead of grouping a million rows.
Row triggers on the counted table keep it: every insert, update and delete adds
to or takes from the row of its key in the same transaction as the change, so
the services, the import (`executemany`), `seed_scale` (COPY), the admin and any
later writer keep the figures right without calling anything. One place for the
SQL, both databases: the migration installs it; `rebuild_report_summaries`
recomputes every table from a fresh GROUP BY (and `seed_scale` runs it at its
end).

Days are the local days of `settings.TIME_ZONE` (a zone without daylight saving
on SQLite, which is given its fixed offset). A row whose count fell to 0 stays
(the readers skip it).

`seed_scale` (PostgreSQL) pauses the triggers in its own batches' transactions
(`PAUSE`) and rebuilds the summaries at its end: COPY then costs what it did.

Concurrency: a count row is updated in place, so two transactions changing
customers of the same key wait for each other until the first commits (a few
milliseconds for a service; a batch for the import). The PostgreSQL trigger
takes the two rows a change moves between in a fixed order, so two opposite
moves (returned → pending and pending → returned) cannot deadlock."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from core.sql import local_day
from core.triggers import PgFunction, PgTrigger, SqliteTrigger, Triggers
from transactions.models import REVERSING


@dataclass(frozen=True)
class Summary:
    name: str  # the trigger's name, reports_<name>
    source: str  # the counted table
    target: str  # the summary table
    keys: tuple[tuple[str, str], ...]  # (column, expression over "{r}", the row)
    condition: str  # which rows count, over "{r}"
    measures: tuple[tuple[str, str], ...] = ()  # (column, summed expression over "{r}")

    def columns(self) -> list[str]:
        return [c for c, _ in self.keys]

    def expressions(self, row: str) -> list[str]:
        return [e.format(r=row) for _, e in self.keys]


def _day(column: str) -> str:
    """The local day of a timestamp column of row "{r}", in this database's SQL."""
    return local_day(f"{{r}}.{column}")


def summaries() -> list[Summary]:
    return [
        Summary(
            "customer_figures",
            "customers_customer",
            "reports_customerfigures",
            keys=(
                ("department_id", "{r}.department_id"),
                ("status", "{r}.status"),
                ("tier", "{r}.tier"),
                ("kind", "{r}.kind"),
                ("customer_nature", "{r}.customer_nature"),
                ("source_channel", "{r}.source_channel"),
            ),
            condition="{r}.department_id IS NOT NULL",
        ),
        Summary(
            "customer_approved_days",
            "customers_customer",
            "reports_customerapprovedday",
            keys=(("department_id", "{r}.department_id"), ("day", _day("reviewed_at"))),
            condition="{r}.status = 'approved' AND {r}.reviewed_at IS NOT NULL",
        ),
        Summary(
            "customer_verified_days",
            "customers_customer",
            "reports_customerverifiedday",
            keys=(("department_id", "{r}.department_id"), ("day", _day("contact_verified_at"))),
            condition="{r}.status = 'approved' AND {r}.contact_verified_at IS NOT NULL",
        ),
        Summary(
            "transaction_days",
            "transactions_transaction",
            "reports_transactionday",
            keys=(
                ("department_id", "{r}.department_id"),
                ("day", _day("occurred_at")),
                ("kind", "{r}.kind"),
                ("payment_method", "{r}.payment_method"),
                ("product_id", "COALESCE({r}.product_id, 0)"),
            ),
            condition="{r}.status = 'approved'",
            measures=(("total", "{r}.amount"),),
        ),
        Summary(
            "customer_gross",
            "transactions_transaction",
            "reports_customergross",
            keys=(("department_id", "{r}.department_id"), ("customer_id", "{r}.customer_id")),
            condition=f"{{r}}.status = 'approved' AND {{r}}.kind NOT IN ({_reversing()})",
            measures=(("gross", "{r}.amount"),),
        ),
        _entries(),
        _returns(),
    ]


def _seconds(start: str, end: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({{r}}.{end} - {{r}}.{start}))"
    return f"((julianday({{r}}.{end}) - julianday({{r}}.{start})) * 86400.0)"


def _entries() -> Summary:
    decided = "{r}.reviewed_at IS NOT NULL"
    return Summary(
        "entry_days",
        "customers_customer",
        "reports_entryday",
        keys=(
            ("department_id", "{r}.department_id"),
            ("day", _day("entered_at")),
            ("entered_by_id", "{r}.entered_by_id"),
            ("reviewed_by_id", "COALESCE({r}.reviewed_by_id, 0)"),
        ),
        condition="{r}.entered_at IS NOT NULL AND {r}.department_id IS NOT NULL",
        measures=(
            ("decided", f"CASE WHEN {decided} THEN 1 ELSE 0 END"),
            ("wait_seconds", f"CASE WHEN {decided} THEN {_seconds('entered_at', 'reviewed_at')} ELSE 0 END"),
        ),
    )


def _returns() -> Summary:
    customer = "(SELECT c.{column} FROM customers_customer c WHERE c.id = {{r}}.object_id)"
    return Summary(
        "return_days",
        "review_reviewdecision",
        "reports_returnday",
        keys=(
            ("department_id", f"COALESCE({customer.format(column='department_id')}, 0)"),
            ("day", _day("at")),
            ("maker_id", f"COALESCE({customer.format(column='entered_by_id')}, 0)"),
        ),
        condition=(
            "{r}.decision = 'returned' AND {r}.content_type_id = "
            "(SELECT ct.id FROM django_content_type ct WHERE ct.app_label = 'customers' AND ct.model = 'customer')"
        ),
    )


def _reversing() -> str:
    return ", ".join(f"'{kind}'" for kind in REVERSING)


# --- SQL -----------------------------------------------------------------------


def _matches(s: Summary, row: str) -> str:
    return " AND ".join(f"{c} = {e}" for c, e in zip(s.columns(), s.expressions(row), strict=True))


def _take(s: Summary, row: str) -> str:
    """UPDATE … n - 1 on the row's key (a no-op if there is none)."""
    sets = ["n = n - 1", *(f"{c} = {c} - {e.format(r=row)}" for c, e in s.measures)]
    return f"UPDATE {s.target} SET {', '.join(sets)} WHERE {_matches(s, row)}"  # noqa: S608 — our own SQL


def _add(s: Summary, row: str, *, where: str = "") -> str:
    """INSERT … ON CONFLICT DO UPDATE n + 1 on the row's key."""
    columns = [*s.columns(), "n", *(c for c, _ in s.measures)]
    values = [*s.expressions(row), "1", *(e.format(r=row) for _, e in s.measures)]
    sets = [f"n = {s.target}.n + 1", *(f"{c} = {s.target}.{c} + excluded.{c}" for c, _ in s.measures)]
    select = f"SELECT {', '.join(values)}" + (f" WHERE {where}" if where else " WHERE true")
    return (
        f"INSERT INTO {s.target} ({', '.join(columns)}) {select} "
        f"ON CONFLICT ({', '.join(s.columns())}) DO UPDATE SET {', '.join(sets)}"
    )


def _watched(s: Summary, row: str) -> list[str]:
    return [*s.expressions(row), *(e.format(r=row) for _, e in s.measures), s.condition.format(r=row)]


# A transaction that sets this (`SET LOCAL reports.summaries_paused = 'on'`, PostgreSQL)
# writes without touching the summaries: `seed_scale`'s batches, which rebuild them at
# the end. No other writer sets it; it lasts to the end of that transaction only.
PAUSE = "reports.summaries_paused"


def _postgres_function(s: Summary) -> PgFunction:
    old, new = f"ROW({', '.join(_watched(s, 'OLD'))})", f"ROW({', '.join(_watched(s, 'NEW'))})"
    old_key, new_key = f"ROW({', '.join(s.expressions('OLD'))})", f"ROW({', '.join(s.expressions('NEW'))})"
    body = f"""
    DECLARE take boolean := false; add boolean := false;
    BEGIN
        IF current_setting('{PAUSE}', true) = 'on' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN
            take := coalesce({s.condition.format(r="OLD")}, false);
        ELSIF TG_OP = 'INSERT' THEN
            add := coalesce({s.condition.format(r="NEW")}, false);
        ELSIF {old} IS DISTINCT FROM {new} THEN
            take := coalesce({s.condition.format(r="OLD")}, false);
            add := coalesce({s.condition.format(r="NEW")}, false);
        END IF;
        -- Two rows in a fixed order (the smaller key first): no deadlock between opposite moves.
        IF take AND add AND {new_key} < {old_key} THEN
            {_add(s, "NEW")};
            {_take(s, "OLD")};
            RETURN NULL;
        END IF;
        IF take THEN {_take(s, "OLD")}; END IF;
        IF add THEN {_add(s, "NEW")}; END IF;
        RETURN NULL;
    END;"""
    return PgFunction(f"reports_{s.name}", body)


def _sqlite_triggers(s: Summary) -> tuple[SqliteTrigger, ...]:
    changed = " OR ".join(f"({o}) IS NOT ({n})" for o, n in zip(_watched(s, "OLD"), _watched(s, "NEW"), strict=True))
    old_counts, new_counts = s.condition.format(r="OLD"), s.condition.format(r="NEW")
    return (
        SqliteTrigger(f"reports_{s.name}_insert", "AFTER INSERT", f"{_add(s, 'NEW')};", condition=new_counts),
        SqliteTrigger(f"reports_{s.name}_delete", "AFTER DELETE", f"{_take(s, 'OLD')};", condition=old_counts),
        SqliteTrigger(
            f"reports_{s.name}_update",
            "AFTER UPDATE",
            f"{_take(s, 'OLD')} AND ({old_counts}); {_add(s, 'NEW', where=new_counts)};",
            condition=changed,
        ),
    )


def _triggers(s: Summary) -> Triggers:
    name = f"reports_{s.name}"
    return Triggers(
        s.source,
        postgres_functions=(_postgres_function(s),),
        postgres=(PgTrigger(name, "AFTER INSERT OR UPDATE OR DELETE", name),),
        sqlite=_sqlite_triggers(s),
    )


def install_statements() -> list[str]:
    return [statement for s in summaries() for statement in _triggers(s).reinstall(connection)]


def remove_statements() -> list[str]:
    return [statement for s in summaries() for statement in _triggers(s).remove(connection)]


def _rebuild_statements(s: Summary) -> list[str]:
    keys = s.expressions("t")
    sums = [f"SUM({e.format(r='t')})" for _, e in s.measures]
    columns = [*s.columns(), "n", *(c for c, _ in s.measures)]
    return [
        f"DELETE FROM {s.target}",  # noqa: S608 — names from this module, no input
        f"INSERT INTO {s.target} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join([*keys, 'COUNT(*)', *sums])} FROM {s.source} t "
        f"WHERE {s.condition.format(r='t')} GROUP BY {', '.join(keys)}",
    ]


def rebuild() -> dict[str, int]:
    """Every summary recomputed from its table, in one transaction (the counted
    tables locked against writers meanwhile on PostgreSQL). Returns the rows per
    summary table."""
    made = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sources = sorted({s.source for s in summaries()})
            cursor.execute(f"LOCK TABLE {', '.join(sources)} IN SHARE MODE")
        for s in summaries():
            for statement in _rebuild_statements(s):
                cursor.execute(statement)
            cursor.execute(f"SELECT COUNT(*) FROM {s.target}")  # noqa: S608 — a table name of ours
            made[s.target] = cursor.fetchone()[0]
    return made
