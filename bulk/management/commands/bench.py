"""`manage.py bench import`: the import pipeline's speed and memory, measured in
the same run beside its two anchors (SPEC §9):

- peer: django-import-export importing the same file into the same model with
  its default settings;
- raw: `bulk_create` of exactly the rows the import writes (data keys, customers,
  history rows), prepared in advance, with no validation.

Each part runs in a fresh process on its own copy of an empty, migrated
database, so its peak memory and its rows are its own."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PEER_MAX_ROWS = 100_000  # the peer is an order of magnitude slower: a larger file is measured on its first rows
RAW_MAX_ROWS = 100_000  # the raw anchor holds every prepared row in memory: its rate is measured on the first rows


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryWatch:
    """The peak memory of this process and its children (the import's worker
    processes) together, sampled from /proc. Each process counts its proportional
    set size (Pss): pages a forked worker still shares with its parent are
    counted once, not once per process."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kib / 1024, 1)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def sample(self) -> None:
        me = os.getpid()
        pids = [me, *(pid for pid, parent in _processes() if parent == me)]
        self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in pids))


def _processes():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: the command name may hold spaces and parentheses.
            yield int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Command(BaseCommand):
    help = (
        "Benchmarks (SPEC §9). `bench import --rows N [--json]`; "
        "`bench pages --customers N [--small 10000] [--requests 20] [--json]`; "
        "`bench load [--seconds 60] [--clerks 4] [--reviewers 2] [--managers 1] [--json]` (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=["import", "pages", "load"])
        parser.add_argument("--rows", type=int, default=100_000, help="import: rows of the file")
        parser.add_argument("--customers", type=int, default=1_000_000, help="pages: customers of the large database")
        parser.add_argument("--small", type=int, default=10_000, help="pages: customers of the small database")
        parser.add_argument("--requests", type=int, default=20, help="pages: timed requests per page and role")
        parser.add_argument("--departments", type=int, default=20, help="pages: departments of the seeded company")
        parser.add_argument("--seconds", type=float, default=60, help="load: how long the users work")
        parser.add_argument("--clerks", type=int, default=4, help="load: clerks entering (one thread each)")
        parser.add_argument("--reviewers", type=int, default=2, help="load: reviewers deciding")
        parser.add_argument("--managers", type=int, default=1, help="load: managers reading lists and reports")
        parser.add_argument("--max-requests", type=int, default=100_000, help="load: stop after this many requests")
        parser.add_argument("--json", action="store_true", help="Print one JSON object as the last line.")
        parser.add_argument("--part", choices=["ours", "peer", "raw", "measure"], help=argparse_hidden())
        parser.add_argument("--file", type=Path, help=argparse_hidden())

    def handle(self, *args, name: str, rows: int, json: bool, part: str | None, file: Path | None, **options):
        if name == "pages":
            self._run_pages(part=part, as_json=json, **options)
            return
        if name == "load":
            self._run_load(as_json=json, **options)
            return
        if part:
            result = {"ours": _ours, "peer": _peer, "raw": _raw}[part](file)
            result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
            self.stdout.write(_json(result))
            return
        self._run_import(rows, as_json=json)

    def _run_pages(
        self, *, part: str | None, as_json: bool, customers: int, small: int, requests: int, departments: int, **options
    ) -> None:
        from bulk import benchpages

        if part == "measure":
            self.stdout.write(_json(benchpages.measure(customers, requests=requests)))
            return
        if customers < 1 or small < 1 or requests < 1:
            raise CommandError("--customers, --small and --requests must be at least 1.")
        summary = benchpages.run(
            customers=customers,
            small=small,
            requests=requests,
            departments=departments,
            log=lambda message: self.stderr.write(message),
        )
        self.stdout.write(benchpages.table(summary))
        for warning in summary["warnings"]:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(f"EXPLAIN of each page's slowest query: {summary['explain_dir']}")
        if as_json:
            self.stdout.write(_json(summary))

    def _run_load(
        self, *, as_json: bool, seconds: float, clerks: int, reviewers: int, managers: int, max_requests: int, **options
    ) -> None:
        from bulk import benchserve

        summary = benchserve.run(
            seconds=seconds,
            clerks=clerks,
            reviewers=reviewers,
            managers=managers,
            max_requests=max_requests,
            log=lambda message: self.stderr.write(message),
        )
        self.stdout.write(benchserve.table(summary))
        if as_json:
            self.stdout.write(_json(summary))
        if summary["problems"]:
            raise CommandError(f"{len(summary['problems'])} acknowledged write(s) missing or the chain broken.")

    def _run_import(self, rows: int, *, as_json: bool) -> None:
        from bulk.benchdata import generate

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("bench import runs on the embedded SQLite (unset DATABASE_URL).")
        with tempfile.TemporaryDirectory(prefix="custodian-bench-") as tmp:
            tmp = Path(tmp)
            data = tmp / "customers.csv"
            planted = generate(data, rows)
            empty = tmp / "empty.sqlite3"
            self.stderr.write(f"Generated {rows} rows ({planted}); migrating an empty database …")
            _manage(["migrate", "--no-input", "-v0"], database=empty)
            # Production settings (DEBUG off): seed_demo asks for --force before making its demo users.
            _manage(["seed_demo", "--customers", "0", "--force"], database=empty)
            results = {}
            for part in ("raw", "ours", "peer"):
                database = tmp / f"{part}.sqlite3"
                shutil.copy(empty, database)
                self.stderr.write(f"Running {part} …")
                out = _manage(["bench", "import", "--part", part, "--file", str(data)], database=database)
                results[part] = json_loads_last(out)
        ours, peer, raw = results["ours"], results["peer"], results["raw"]
        summary = {
            "rows": rows,
            "seconds": ours["seconds"],
            "rows_per_s": ours["rows_per_s"],
            "imported": ours["imported"],
            "refused": ours["refused"],
            # The import's processes together (Pss), or its main process alone if that was higher.
            "peak_rss_mb": max(ours["peak_rss_mb"], ours["peak_memory_mb"]),
            "workers": ours["workers"],
            "peer_rows_per_s": peer["rows_per_s"],
            "peer_rows_measured": peer["rows"],
            "raw_rows_per_s": raw["rows_per_s"],
            "x_peer": round(ours["rows_per_s"] / peer["rows_per_s"], 1) if peer["rows_per_s"] else None,
            "share_of_raw": round(ours["rows_per_s"] / raw["rows_per_s"], 2) if raw["rows_per_s"] else None,
            "database": "sqlite",
        }
        self.stdout.write(
            f"Import of {rows} rows: {ours['seconds']} s, {ours['rows_per_s']} rows/s, "
            f"peak memory {summary['peak_rss_mb']} MB with {ours['workers']} worker processes "
            f"({ours['imported']} imported, {ours['refused']} refused)\n"
            f"  django-import-export (peer, first {peer['rows']} rows): {peer['rows_per_s']} rows/s "
            f"→ ours is {summary['x_peer']}× (goal ≥ 10×)\n"
            f"  raw bulk_create of the same rows: {raw['rows_per_s']} rows/s "
            f"→ ours is {summary['share_of_raw']:.0%} of it (goal ≥ 40 %)"
        )
        if as_json:
            self.stdout.write(_json(summary))


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_loads_last(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def _manage(arguments: list[str], *, database: Path) -> str:
    """Run a command of ours on `database`, configured as production is (DEBUG
    off: no query log, no debug cursor), with this process's keys."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "SECRET_KEY": settings.SECRET_KEY,
        "CRM_FIELD_KEYS": settings.CRM_FIELD_KEYS,
        "CRM_BLIND_INDEX_KEY": settings.CRM_BLIND_INDEX_KEY,
        "CRM_AUDIT_KEY": settings.CRM_AUDIT_KEY,
    }
    done = subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise CommandError(f"{' '.join(arguments)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _clerk():
    from accounts.models import User

    return User.objects.get(username="clerk1")


def _ours(path: Path) -> dict:
    """The whole pipeline: store (encrypted), parse, normalise, validate, dedup,
    encrypt, blind index, history, rights, review state."""
    from bulk import pipeline
    from bulk.models import ImportJob, JobStatus

    clerk = _clerk()
    with MemoryWatch() as memory:
        started = time.perf_counter()
        job = ImportJob.objects.create(
            owner=clerk, filename=path.name, file_format="csv", status=JobStatus.IMPORT_QUEUED
        )
        with open(path, "rb") as source:
            pipeline.store_upload(job, iter(lambda: source.read(1 << 20), b""))
        job = pipeline.run_import(job, actor=clerk)
        seconds = time.perf_counter() - started
    rows = job.processed_rows
    return {
        "rows": rows,
        "imported": job.imported_rows,
        "refused": job.refused_rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds, 1),
        "workers": pipeline.workers_for(job.size),
        "peak_memory_mb": memory.peak_mb,
    }


def _peer(path: Path) -> dict:
    """django-import-export's default import of the same file into Customer. The
    model needs who entered it, its department and an archive number: the resource
    sets them, the way a project would."""
    import tablib
    from import_export import resources

    from bulk.benchdata import HEADERS
    from customers.models import Customer
    from customers.services import archive_numbers_allocate

    clerk = _clerk()

    class CustomerResource(resources.ModelResource):
        class Meta:
            model = Customer
            fields = HEADERS
            import_id_fields = ()

        def before_save_instance(self, instance, row, **kwargs):
            instance.owner = instance.entered_by = clerk
            instance.department_id = clerk.department_id
            instance.status = "pending"
            (instance.archive_no,) = archive_numbers_allocate()

    with open(path, encoding="utf-8") as source:
        lines = [line for _, line in zip(range(PEER_MAX_ROWS + 1), source, strict=False)]
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    started = time.perf_counter()
    result = CustomerResource().import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - started
    rows = len(dataset)
    return {
        "rows": rows,
        "errors": len(result.row_errors()) + len(result.invalid_rows),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds, 1),
    }


def _raw(path: Path) -> dict:
    """The limit: bulk_create of the rows the import writes (data keys, customers,
    their history rows), built and encrypted in advance, no validation."""
    import csv

    from django.db import transaction
    from django.utils import timezone

    from bulk import columns
    from customers.models import Customer
    from vault import crypto
    from vault.fields import Sealed
    from vault.models import DataKey

    clerk = _clerk()
    now = timezone.now()
    History = Customer.history.model
    keys, customers, history = [], [], []
    id_field = Customer._meta.get_field("id_number")
    bank_field = Customer._meta.get_field("bank_account")
    with open(path, encoding="utf-8") as source:
        reader = csv.reader(source)
        headers = next(reader)
        for n, cells in enumerate(reader, start=1):
            if n > RAW_MAX_ROWS:
                break
            values = {h: columns.convert(h, c) for h, c in zip(headers, cells, strict=True)}
            values = {k: v for k, v in values.items() if v is not None}
            customer = Customer(
                id=n,
                archive_no=f"KH{now.year}{n:07d}",
                owner=clerk,
                entered_by=clerk,
                department_id=clerk.department_id,
                status="pending",
                entered_at=now,
                **values,
            )
            customer.data_key = crypto.new_data_key()
            keys.append(customer.data_key)
            for field in (id_field, bank_field):
                plain = getattr(customer, field.name)
                token = crypto.encrypt(customer.data_key, plain, aad=field.aad(customer))
                customer.__dict__[field.attname] = Sealed(token)
                setattr(customer, f"{field.name}_index", crypto.blind_index(field.name, plain))
                del plain
            customers.append(customer)
            record = History(history_date=now, history_user=clerk, history_type="+", history_change_reason="bench")
            for f in Customer._meta.concrete_fields:
                value = customer.__dict__.get(f.attname)
                setattr(record, f.attname, value)
            history.append(record)
    # The prepared values are sealed tokens: nothing is encrypted in the timed part.
    started = time.perf_counter()
    with transaction.atomic():
        DataKey.objects.bulk_create(keys, batch_size=500)
        Customer.objects.bulk_create(customers, batch_size=500)
        History.objects.bulk_create(history, batch_size=500)
    seconds = time.perf_counter() - started
    rows = len(customers)
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds, 1)}
