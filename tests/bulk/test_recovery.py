"""Jobs whose process died (issue 14, item 3), without killing anything: the
rules that tell a dead process from a live one and what the page then shows."""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from bulk import pipeline, recovery
from bulk.models import ImportJob, JobStatus
from customers.models import Customer
from tests.bulk.helpers import csv_bytes, good_row


def _checked_job(clerk, rows: int = 3) -> ImportJob:
    job = ImportJob.objects.create(owner=clerk, filename="people.csv", file_format="csv")
    pipeline.store_upload(job, [csv_bytes([good_row(n) for n in range(1, rows + 1)])])
    return pipeline.check(job)


def _running(job: ImportJob, *, claimed_by: str, heartbeat_ago: timedelta = timedelta(0)) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.IMPORTING, claimed_by=claimed_by, heartbeat_at=timezone.now() - heartbeat_ago
    )
    job.refresh_from_db()
    return job


def test_this_process_is_alive_and_the_same_pid_started_at_another_time_is_not():
    me = recovery.process_identity()
    assert recovery.is_alive(me) is True
    host, pid, start = me.rsplit(":", 2)
    assert recovery.is_alive(f"{host}:{pid}:{int(start) + 1}") is False  # a reused pid is another process
    assert recovery.is_alive(f"another-host-{socket.gethostname()}:{pid}:{start}") is None


@pytest.mark.django_db
def test_the_page_marks_an_import_whose_process_died_as_failed_and_it_resumes(client, clerk):
    job = _running(_checked_job(clerk), claimed_by=f"{socket.gethostname()}:{os.getpid()}:1")
    client.force_login(clerk)
    page = client.get(reverse("bulk:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message in page.content.decode()
    client.post(reverse("bulk:job_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Customer.objects.count() == 3


@pytest.mark.django_db
def test_a_job_running_in_a_live_process_is_left_alone(client, clerk):
    job = _running(_checked_job(clerk), claimed_by=recovery.process_identity(), heartbeat_ago=timedelta(hours=5))
    client.force_login(clerk)
    assert client.get(reverse("bulk:job_status", args=[job.pk])).json()["status"] == JobStatus.IMPORTING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("silent_for", "status"), [(timedelta(minutes=1), "importing"), (timedelta(minutes=11), "failed")]
)
def test_a_job_on_another_host_is_failed_only_after_ten_silent_minutes(clerk, silent_for, status):
    job = _running(_checked_job(clerk), claimed_by="worker-2.example:4242:777", heartbeat_ago=silent_for)
    assert recovery.recover_interrupted_jobs() == (status == "failed")
    job.refresh_from_db()
    assert job.status == status


@pytest.mark.django_db
def test_a_worker_start_removes_upload_parts_a_killed_web_process_left(settings):
    directory = Path(settings.CRM_IMPORT_DIR)
    directory.mkdir(parents=True)
    old, fresh, kept = directory / "a.part", directory / "b.part", directory / "c.bin"
    for path in (old, fresh, kept):
        path.write_bytes(b"sealed")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(kept, (hours_ago, hours_ago))
    recovery.recover_interrupted_jobs()
    assert sorted(p.name for p in directory.iterdir()) == ["b.part", "c.bin"]


@pytest.mark.django_db
def test_a_task_a_dead_worker_had_claimed_fails_and_so_does_its_waiting_job(clerk):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    job = ImportJob.objects.create(owner=clerk, filename="people.csv", file_format="csv")
    dead = f"{socket.gethostname()}:{os.getpid()}:1"
    claimed = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job.pk], "kwargs": {}},
        task_path="bulk.tasks.check_import",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[dead],
    )
    alive = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [job.pk + 1], "kwargs": {}},
        task_path="bulk.tasks.check_import",
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[recovery.process_identity()],
    )
    assert recovery.recover_interrupted_jobs() == 1
    claimed.refresh_from_db()
    alive.refresh_from_db()
    job.refresh_from_db()
    assert claimed.status == TaskResultStatus.FAILED and alive.status == TaskResultStatus.RUNNING
    assert job.status == JobStatus.FAILED and job.message
