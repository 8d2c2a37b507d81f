"""`make serve` (issue 18 item 5): gunicorn and the background worker, in the
production settings, against DATABASE_URL; /healthz says when the worker is gone;
stopping make stops both — a killed or stopped server leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the server's processes share the test database


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(sid: int) -> dict[int, str]:
    """The live processes of session `sid`: pid → command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] not in "ZX" and int(fields[3]) == sid:
            found[int(entry.name)] = command
    return found


def _health(port: int) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None


def _until(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s")


def test_make_serve_runs_gunicorn_and_the_worker_reports_a_dead_worker_and_stops_both_with_make(tmp_path):
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "CRM_FIELD_KEYS": settings.CRM_FIELD_KEYS,
        "CRM_BLIND_INDEX_KEY": settings.CRM_BLIND_INDEX_KEY,
        "CRM_AUDIT_KEY": settings.CRM_AUDIT_KEY,
        "CRM_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
        "CRM_IMPORT_DIR": str(tmp_path / "imports"),
        "STATIC_ROOT": str(tmp_path / "staticfiles"),  # CI's other run of the suite may collect at the same time
        "CRM_KEY_STORE": str(settings.CRM_KEY_STORE),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: the HTTPS redirect is off, so `check --deploy` stops only on errors.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SERVE_CHECK_LEVEL": "ERROR",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "CRM_WORKER_HEARTBEAT_SECONDS": "1",
        "CRM_WORKER_STALE_SECONDS": "3",
    }
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.runtime", "serve"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        status, body = _until(lambda: (_health(port) or (0, {}))[0] == 200 and _health(port), 240)
        assert body == {"status": "ok", "checks": {"database": "ok", "keys": "ok", "worker": "ok"}}
        running = _session(make.pid)
        assert sum("gunicorn" in c for c in running.values()) == 3  # the master and WEB_CONCURRENCY workers
        (worker,) = [pid for pid, command in running.items() if "db_worker" in command]

        # The worker dies without a word: gunicorn goes on serving and /healthz says so.
        os.kill(worker, signal.SIGKILL)
        status, body = _until(lambda: (answer := _health(port)) and answer[0] == 503 and answer, 30)
        assert body["checks"] == {"database": "ok", "keys": "ok", "worker": "failed"}

        # Stopping make stops everything it started.
        make.send_signal(signal.SIGTERM)
        make.wait(timeout=60)
        _until(lambda: not _session(make.pid), 60)
    finally:
        for pid in _session(make.pid):
            os.kill(pid, signal.SIGKILL)
        make.wait(timeout=10)


def test_make_serve_refuses_to_start_without_the_production_keys():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "CRM_FIELD_KEYS", "CRM_BLIND_INDEX_KEY", "CRM_AUDIT_KEY")
    }
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.runtime", "serve"],
        cwd=settings.BASE_DIR,
        env={**environment, "DATABASE_URL": _database_url(), "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "PORT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "missing SECRET_KEY, CRM_FIELD_KEYS, CRM_BLIND_INDEX_KEY, CRM_AUDIT_KEY" in done.stderr
    assert "gunicorn" not in done.stdout + done.stderr
