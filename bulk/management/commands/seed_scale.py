"""`manage.py seed_scale N`: N realistic customers with their related rows, for
benchmarks (SPEC §8). Resumable: run it again and it continues after the last
committed batch; customers already made are never made again."""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from bulk import seeding


class Command(BaseCommand):
    help = "Create N realistic customers (with transactions, contacts, complaints, history) fast; resumable."

    def add_arguments(self, parser):
        parser.add_argument("customers", type=int, help="How many seeded customers the database should hold.")
        parser.add_argument("--departments", type=int, default=20)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--workers", type=int, default=None, help="Processes that check and encrypt (default: CRM_IMPORT_WORKERS)."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object as the last line.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, customers: int, departments: int, batch_size: int, workers, json: bool, **options):
        if customers < 0 or departments < 1 or batch_size < 1:
            raise CommandError("N ≥ 0, --departments ≥ 1 and --batch-size ≥ 1.")
        workers = seeding.workers_default() if workers is None else workers
        company = seeding.company_build(departments)
        seeding.products_ensure()
        done = seeding.seeded_count(company)
        if done >= customers:
            summary = {"customers": done, "made": 0, "seconds": 0.0, "rows": 0, "rows_per_s": 0.0}
            self.stdout.write(f"{done} seeded customers already present; nothing to do.")
            if json:
                self.stdout.write(_json(summary))
            return
        seeder = seeding.Seeder(company, customers)
        database_cpu = _database_cpu_seconds()
        started = time.perf_counter()
        with tqdm(
            total=customers, initial=done, unit="customers", disable=options["no_progress"], file=self.stderr
        ) as bar:
            totals = seeder.run(done, batch_size=batch_size, workers=workers, progress=bar.update)
        seeding.finish()
        seconds = time.perf_counter() - started
        # On a shared machine the wall time says little: the CPU time of this
        # process, its workers and (when local) its database backend says what
        # the seeding costs on cores of its own.
        cpu = _own_cpu_seconds() + max(0.0, _database_cpu_seconds() - database_cpu)
        summary = {
            "customers": done + totals.customers,
            "made": totals.customers,
            "statuses": totals.statuses,
            "history": totals.history,
            "rights": totals.rights,
            "review_decisions": totals.decisions,
            "transactions": totals.transactions,
            "reversals": totals.reversals,
            "contacts": totals.contacts,
            "complaints": totals.complaints,
            "surveys": totals.surveys,
            "rows": totals.rows,
            "seconds": round(seconds, 1),
            "customers_per_s": round(totals.customers / seconds, 1),
            "rows_per_s": round(totals.rows / seconds, 1),
            "workers": workers,
            "cpu_s": round(cpu, 1),
            "cpu_ms_per_customer": round(cpu * 1000 / totals.customers, 2),
            "database": connections["default"].vendor,
        }
        self.stdout.write(
            f"Seeded {totals.customers} customers ({done + totals.customers} in all) in {seconds:.1f} s: "
            f"{summary['customers_per_s']} customers/s, {totals.rows} rows ({summary['rows_per_s']} rows/s) — "
            f"{totals.transactions} transactions ({totals.reversals} reversals), {totals.contacts} contacts, "
            f"{totals.complaints} complaints, {totals.surveys} surveys, {totals.history} history rows of customers. "
            f"CPU: {summary['cpu_s']} s ({summary['cpu_ms_per_customer']} ms a customer, all processes)."
        )
        if json:
            self.stdout.write(_json(summary))


def _own_cpu_seconds() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _database_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend, when it runs on this machine (else 0)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
