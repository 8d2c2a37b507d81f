"""The EXPLAIN beside each page's figures (`bench pages`): the plan of the page's
slowest query written to a file with no searched value, session key or long
number in it, and the findings that become the run's warnings — a sequential
scan of a business table, a count of (nearly) a whole one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# The apps whose tables a scan or a count of is a finding.
BUSINESS_APPS = ("customers", "transactions", "interactions", "review", "audit", "vault", "bulk", "insight", "outreach")
SCAN_WORTH_WARNING = 1000  # rows: scanning a table smaller than this is no finding
LONG_NUMBER = re.compile(r"(?<![0-9A-Fa-f+])\d{12,19}[Xx]?(?![0-9A-Fa-f])")  # an ID or bank number, not a digest
SESSION_KEY = re.compile(r"(session_key\"?\)?(?:::text)? = )'[^']*'")
ESTIMATED_SCAN = re.compile(r"Scan (?:using \w+ )?on (\w+)(?: \w+)?  \(cost=[\d.]+ rows=(\d+)")


def _business_tables() -> set[str]:
    from django.apps import apps

    return {m._meta.db_table for m in apps.get_models() if m._meta.app_label in BUSINESS_APPS}


class Explainer:
    def __init__(self, directory: Path, secrets: list[str]) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.directory = directory
        self.secrets = [s for s in secrets if s]
        self.business = _business_tables()
        self.sizes = self._sizes()

    def _sizes(self) -> dict[str, int]:
        from django.apps import apps

        sizes = {}
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
                return {name: int(rows) for name, rows in cursor.fetchall() if name in self.business}
            for model in apps.get_models():
                if model._meta.db_table in self.business:
                    sizes[model._meta.db_table] = model._base_manager.count()
        return sizes

    def redact(self, text: str) -> str:
        """No searched value, session key or long number in the file: a plan can show a
        number the query never named (PostgreSQL turns `LIKE '…0%'` into the range
        `>= '…0' AND < '…1'`, and the bound is someone else's ID)."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return LONG_NUMBER.sub("***", SESSION_KEY.sub(r"\1'***'", text))

    def plan(self, sql: str, *, analyze: bool) -> str:
        with self.connection.cursor() as cursor:
            if self.postgres:
                options = "ANALYZE, BUFFERS" if analyze else "COSTS"
                cursor.execute(f"EXPLAIN ({options}) {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(" ".join(str(c) for c in row if c is not None) for row in cursor.fetchall())

    def findings(self, queries: list[dict]) -> list[str]:
        """Sequential scans of a business table, and counts of (nearly) a whole one."""
        found = []
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            try:
                plan = self.plan(sql, analyze=False)
            except Exception:  # noqa: S112 — a query the planner cannot re-read is no finding
                continue
            counting = "COUNT(" in sql.upper()
            for table in self._scanned(plan):
                if self.sizes.get(table, 0) >= SCAN_WORTH_WARNING:
                    what = "counts the whole of" if counting else "scans the whole of"
                    found.append(f"{what} {table} ({self.sizes[table]} rows)")
            if counting and self.postgres:
                # A count through an index is still a count of the whole table when it reads most of it.
                for table, rows in ESTIMATED_SCAN.findall(plan):
                    size = self.sizes.get(table, 0)
                    if size >= SCAN_WORTH_WARNING and int(rows) >= size / 2:
                        found.append(f"counts the whole of {table} ({size} rows)")
        return sorted(set(found))

    def _scanned(self, plan: str) -> list[str]:
        if self.postgres:
            return re.findall(r"Seq Scan on (\w+)", plan)
        # SQLite: "SCAN table" reads every row; "SCAN table USING INDEX" reads every index entry.
        return [m.group(1) for m in re.finditer(r"\bSCAN (\w+)(?! USING (?:COVERING )?INDEX \w+ \()", plan)]

    def save(self, request: Any, queries: list[dict], p95_ms: float) -> None:
        selects = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{request.page}-{request.role}.txt"
        if not selects:
            target.write_text(f"{request.method.upper()} {self.redact(request.path)}\nno SELECT\n")
            return
        slowest = max(selects, key=lambda q: float(q["time"]))
        try:
            plan = self.plan(slowest["sql"], analyze=True)
        except Exception as exc:  # the file says why there is no plan
            plan = f"(no plan: {type(exc).__name__})"
        target.write_text(
            self.redact(
                f"{request.method.upper()} {request.path} as {request.role}: p95 {p95_ms} ms, "
                f"{len(queries)} queries; slowest {float(slowest['time']) * 1000:.1f} ms:\n\n"
                f"{slowest['sql']}\n\n{plan}\n"
            )
        )
