"""`bench load`'s server: gunicorn (ops/gunicorn.conf.py, 2 workers) and the
background worker on a loopback port, configured as production is (`DEBUG` off,
this process's keys and database), started for the run and stopped after it.

Both die with the process that started them (Linux's PR_SET_PDEATHSIG): a
benchmark killed outright leaves no server or worker behind."""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from bulk import recovery

WEB_WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port: int) -> dict[str, str]:
    """Production settings on loopback: plain HTTP (no HTTPS redirect), this
    process's keys, key store, database, access-log checkpoints and import directory."""
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "CRM_FIELD_KEYS": settings.CRM_FIELD_KEYS,
        "CRM_BLIND_INDEX_KEY": settings.CRM_BLIND_INDEX_KEY,
        "CRM_AUDIT_KEY": settings.CRM_AUDIT_KEY,
        "CRM_AUDIT_CHECKPOINT_FILE": str(settings.CRM_AUDIT_CHECKPOINT_FILE),
        "CRM_IMPORT_DIR": str(settings.CRM_IMPORT_DIR),
        "CRM_KEY_STORE": str(settings.CRM_KEY_STORE),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or database_url(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WEB_WORKERS),
        "GUNICORN_LOG_LEVEL": "warning",
    }


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user, password = db.get("USER") or "", db.get("PASSWORD") or ""
    return f"postgres://{user}:{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def health(port: int) -> int | None:
    """/healthz's status, or None when nothing answers yet."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            json.loads(answer.read())
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Server:
    """gunicorn and the worker, as a context manager: started and healthy on
    entering (or an error saying which part failed), stopped on leaving."""

    def __init__(self, *, port: int | None = None, log=None, ready_within: float = 180) -> None:
        self.port = port or free_port()
        self.log = log or (lambda message: None)
        self.ready_within = ready_within
        self.processes: list[subprocess.Popen] = []
        self.output = None
        self.env = environment(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self, arguments: list[str], output) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 — our own manage.py and gunicorn, fixed arguments
            [sys.executable, *arguments],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=output,
            stderr=output,
            preexec_fn=functools.partial(recovery.die_with_parent, os.getpid()),
        )
        self.processes.append(process)
        return process

    def __enter__(self) -> Server:
        base = Path(settings.BASE_DIR)
        self.log("Collecting static files (production serves them through WhiteNoise) …")
        done = subprocess.run(  # noqa: S603
            [sys.executable, str(base / "manage.py"), "collectstatic", "--no-input", "-v0"],
            cwd=base,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"collectstatic failed:\n{done.stderr[-2000:]}")
        log_file = base / "var" / "bench" / "load-server.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        self.output = open(log_file, "w")  # the server's own log (paths, never query strings); closed on leaving
        self.log(f"The server's log: {log_file}")
        self.log(f"Starting gunicorn ({WEB_WORKERS} workers) and the background worker on {self.url} …")
        self._start([str(base / "manage.py"), "db_worker", "--no-startup-delay"], self.output)
        self._start(["-m", "gunicorn", "--config", str(base / "ops" / "gunicorn.conf.py")], self.output)
        deadline = time.monotonic() + self.ready_within
        while health(self.port) != 200:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.__exit__(None, None, None)
                raise CommandError(f"The server did not become healthy (/healthz) within {self.ready_within:.0f} s.")
            time.sleep(0.5)
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        if self.output is not None:
            self.output.close()


def run(*, seconds: float, clerks: int, reviewers: int, managers: int, max_requests: int, log) -> dict:
    """Start the server on PostgreSQL, drive it, stop it, then look for every
    acknowledged write and verify the access log's chain."""
    from bulk import benchload

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("bench load runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not 0 < seconds <= 3600:
        raise CommandError("--seconds must be between 1 and 3600.")
    cast = benchload.prepare(clerks=clerks, reviewers=reviewers, managers=managers)
    with Server(log=log) as server:
        log(f"Driving it for {seconds:g} s: {clerks} clerks, {reviewers} reviewers, {managers} managers …")
        summary, ledger = benchload.drive(server.url, cast, seconds=seconds, max_requests=max_requests)
    log("Server stopped. Looking for every acknowledged write and verifying the access log's chain …")
    summary["problems"] = benchload.check(ledger)
    summary["database"] = "postgresql"
    summary["gunicorn_workers"] = WEB_WORKERS
    return summary


def table(summary: dict) -> str:
    lines = [
        f"{summary['requests']} requests in {summary['seconds']} s "
        f"({summary['requests'] / max(summary['seconds'], 0.001):.1f}/s) on {summary['gunicorn_workers']} gunicorn "
        f"workers; errors: {summary['errors']} (goal 0)",
        f"acknowledged writes: {summary['acknowledged']}",
        f"{'page':<24} {'requests':>9} {'median ms':>10} {'p95 ms':>9}",
    ]
    for page, figures in summary["pages"].items():
        lines.append(f"{page:<24} {figures['requests']:>9} {figures['median_ms']:>10} {figures['p95_ms']:>9}")
    for kind, count in summary["error_kinds"].items():
        lines.append(f"error: {kind} ×{count}")
    if summary["problems"]:
        lines += [f"MISSING: {problem}" for problem in summary["problems"]]
    else:
        lines.append("Every acknowledged write is in the database; the access log's chain verifies.")
    return "\n".join(lines)
