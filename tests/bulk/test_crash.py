"""A killed process leaves nothing behind (issue 14, item 3): a real
`manage.py db_worker`, killed with SIGKILL in the middle of a check and of an
import, leaves no plaintext file, no process it forked, and a job that the next
worker marks failed with a message — an import then resumes, each row once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bulk import pipeline, tasks
from bulk.models import ImportJob, JobStatus
from customers.models import Customer
from tests.bulk.helpers import csv_bytes, good_row

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MARKER = "崩溃标记CRASH-5e21"
ROWS = 23
# The worker, with two changes that make the test quick and exact: it forks its
# checking processes even for this small file, in batches of 5 rows, and after
# its first committed batch it says so (a file) and waits to be killed.
WORKER = textwrap.dedent(
    """
    import sys, time, pathlib
    import django
    django.setup()
    from bulk import pipeline
    pipeline.PARALLEL_FROM_BYTES = 0
    pipeline.BATCH = 5
    ready = pathlib.Path(sys.argv[1])
    real_reset = pipeline.reset_queries

    def after_a_committed_batch():
        real_reset()
        ready.write_text("batch committed")
        time.sleep(600)

    pipeline.reset_queries = after_a_committed_batch
    from django.core.management import call_command
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    """
)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(tmp_path: Path) -> dict:
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "PYTHONPATH": str(django_settings.BASE_DIR),
        "DATABASE_URL": _database_url(),
        "CRM_IMPORT_DIR": str(django_settings.CRM_IMPORT_DIR),
        "CRM_IMPORT_WORKERS": "2",
        "TMPDIR": str(scratch),
    }


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _kill_after_first_batch(tmp_path: Path) -> list[int]:
    """Runs the worker until its first committed batch, then SIGKILLs it; returns
    the processes it had forked."""
    script, ready = tmp_path / "worker.py", tmp_path / "ready"
    script.write_text(WORKER)
    ready.unlink(missing_ok=True)
    worker = subprocess.Popen(
        [sys.executable, str(script), str(ready)],
        cwd=django_settings.BASE_DIR,
        env=_environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: ready.exists() or worker.poll() is not None)
        assert ready.exists(), worker.stderr.read().decode()[-3000:]
        forked = _children(worker.pid)
        assert len(forked) >= 2  # the checking processes are running
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stderr.close()
    return forked


def _restart_worker(tmp_path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=django_settings.BASE_DIR,
        env=_environment(tmp_path),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stderr.decode()


def _assert_nothing_left(tmp_path: Path, forked: list[int]) -> None:
    _wait_for(lambda: not any(_alive(pid) for pid in forked), seconds=15)  # died with their parent
    marker = MARKER.encode()
    for directory in (Path(django_settings.CRM_IMPORT_DIR), tmp_path / "tmp"):
        for path in directory.rglob("*"):
            assert not (path.is_file() and marker in path.read_bytes()), f"plaintext left in {path}"


def _data() -> bytes:
    return csv_bytes([good_row(n, 名称=f"{MARKER}{n}") for n in range(1, ROWS + 1)])


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_worker_killed_mid_check_leaves_nothing_and_the_next_worker_fails_the_job(
    client, clerk, database_tasks, tmp_path
):
    client.force_login(clerk)
    client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("crash.csv", _data())})
    job = ImportJob.objects.get()
    forked = _kill_after_first_batch(tmp_path)
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKING and job.checked_rows == 5
    _assert_nothing_left(tmp_path, forked)

    assert "1 interrupted import" in _restart_worker(tmp_path)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and ("interrupted" in job.message or "中断" in job.message)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    page = client.get(reverse("bulk:job", args=[job.pk]))
    assert page.status_code == 200 and job.message in page.content.decode()


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_resumes_each_row_once(
    client, clerk, database_tasks, tmp_path
):
    job = ImportJob.objects.create(owner=clerk, filename="crash.csv", file_format="csv")
    pipeline.store_upload(job, [_data()])
    job = pipeline.check(job)
    assert job.good_rows == ROWS
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.IMPORT_QUEUED)
    tasks.import_rows.enqueue(job.pk)
    forked = _kill_after_first_batch(tmp_path)
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING and job.processed_rows == 5 and Customer.objects.count() == 5
    _assert_nothing_left(tmp_path, forked)

    _restart_worker(tmp_path)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and str(job.processed_rows) in job.message
    client.force_login(clerk)
    client.post(reverse("bulk:job_start", args=[job.pk]))
    _restart_worker(tmp_path)  # the worker runs the import started again
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.imported_rows == ROWS
    names = sorted(Customer.objects.values_list("name", flat=True))
    assert names == sorted(f"{MARKER}{n}" for n in range(1, ROWS + 1))  # each row once
