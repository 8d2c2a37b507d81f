"""A killed process leaves nothing: `bench load`'s server (gunicorn and the
background worker, bulk.benchserve) dies with the benchmark that started it,
even when the benchmark is killed outright (SIGKILL: no clean-up runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from bulk.benchserve import database_url
from tests.ops.test_serve import _session, _until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BENCHMARK = textwrap.dedent(
    """
    import pathlib, sys, time
    import django
    django.setup()
    from bulk.benchserve import Server
    with Server() as server:
        pathlib.Path(sys.argv[1]).write_text(server.url)
        time.sleep(600)
    """
)


def test_a_killed_benchmark_leaves_no_gunicorn_and_no_worker_behind(tmp_path):
    ready = tmp_path / "ready"
    benchmark = subprocess.Popen(
        [sys.executable, "-c", BENCHMARK, str(ready)],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "DATABASE_URL": database_url(),
            "CRM_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _until(lambda: ready.exists() or benchmark.poll() is not None, 240)
        assert ready.exists(), "the server did not start"
        started = _session(benchmark.pid)
        assert sum("gunicorn" in command for command in started.values()) == 3  # master and 2 workers
        assert any("db_worker" in command for command in started.values())

        benchmark.send_signal(signal.SIGKILL)
        benchmark.wait(timeout=10)
        _until(lambda: not _session(benchmark.pid), 60)
    finally:
        for pid in _session(benchmark.pid):
            os.kill(pid, signal.SIGKILL)
        if benchmark.poll() is None:
            benchmark.kill()
            benchmark.wait()
