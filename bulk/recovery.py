"""What holds after a crash: an import whose process died is not left "running".

A job being checked or imported records the process doing it (host, pid and the
process's start time, so a reused pid is not mistaken for it) and a heartbeat
at every batch. When a worker starts (`manage.py db_worker`, bulk's wrapper of
django-tasks' command) and whenever the job's page asks, a job whose process is
gone — on this host: no such process; on another: no batch for `STALE_AFTER` —
is marked failed with a message saying what happened. An interrupted import
resumes after its last committed batch when started again; an interrupted check
is uploaded again. The encrypted upload is all that was on disk, and it stays.

The processes an import forks to check rows die with it (`die_with_parent`)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from bulk.models import ImportJob, JobStatus

STALE_AFTER = timedelta(minutes=10)
# An upload still arriving is sealed into a .part file (bulk.uploads); one this
# old was left by a killed web process. Its key died with it: it is only litter.
PART_FILES_STALE_AFTER = timedelta(hours=1)
PR_SET_PDEATHSIG = 1


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count after its last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):  # a zombie has finished: it is dead, only not yet reaped
        return None
    return fields[19]


def process_identity(pid: int | None = None) -> str:
    """host:pid:start of this process (or `pid` on this host), at most 64 characters."""
    pid = pid or os.getpid()
    suffix = f":{pid}:{_start_time(pid) or 0}"
    return socket.gethostname()[: 64 - len(suffix)] + suffix


def is_alive(identity: str) -> bool | None:
    """Whether the process named by `identity` still runs; None when it ran on another host."""
    host, pid, start = (identity.rsplit(":", 2) + ["", "", ""])[:3]
    if not pid.isdigit() or host != socket.gethostname()[: 64 - len(f":{pid}:{start}")]:
        return None
    started = _start_time(int(pid))
    if started is not None:
        return started == start
    if Path("/proc/self/stat").exists():
        return False
    try:
        os.kill(int(pid), 0)  # no /proc: at least whether the pid is taken
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim(job: ImportJob) -> None:
    """This process now runs `job` (saved with the job's next save)."""
    job.claimed_by = process_identity()
    job.heartbeat_at = timezone.now()


def interrupted(job: ImportJob) -> bool:
    if job.status not in (JobStatus.CHECKING, JobStatus.IMPORTING) or not job.claimed_by:
        return False
    alive = is_alive(job.claimed_by)
    if alive is None:
        return job.heartbeat_at is None or timezone.now() - job.heartbeat_at > STALE_AFTER
    return not alive


def _message(job: ImportJob) -> str:
    if job.status in (JobStatus.IMPORTING, JobStatus.IMPORT_QUEUED):
        return _(
            "The import was interrupted: the process running it stopped (a restart or a crash) after "
            "%(rows)s rows. Resume the import: it continues after the last saved batch and imports "
            "no row twice."
        ) % {"rows": job.processed_rows}
    return _("The check was interrupted: the process running it stopped (a restart or a crash). Upload the file again.")


def _fail(job: ImportJob) -> ImportJob:
    # Only if unchanged since read: a worker that picked the job up meanwhile wins.
    ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_by=job.claimed_by).update(
        status=JobStatus.FAILED, message=_message(job)
    )
    job.refresh_from_db()
    return job


def settle(job: ImportJob) -> ImportJob:
    """`job`, marked failed with a message if the process running it died."""
    return _fail(job) if interrupted(job) else job


def recover_interrupted_jobs() -> int:
    """Every job whose process died, marked failed; the tasks of dead workers too.
    Returns how many jobs were marked."""
    settled = 0
    running = ImportJob.objects.filter(status__in=(JobStatus.CHECKING, JobStatus.IMPORTING))
    for job in running:
        if settle(job).status == JobStatus.FAILED:
            settled += 1
    settled += _fail_dead_workers_tasks()
    _remove_stale_part_files()
    return settled


BULK_TASKS = ("bulk.tasks.check_import", "bulk.tasks.import_rows")


def _fail_dead_workers_tasks() -> int:
    """Tasks a dead worker had claimed, failed; a job such a task had not begun
    yet (still waiting: the worker died in between) is failed with its message.
    Returns how many such jobs were marked."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settled = 0
    dead = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "task_path", "args_kwargs"
    )
    for result in dead:
        if not result.worker_ids or is_alive(result.worker_ids[-1]) is not False:
            continue
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="bulk.recovery.WorkerDied",
            traceback="The worker process running this task died.",
        )
        args = (result.args_kwargs or {}).get("args") or [None]
        if result.task_path in BULK_TASKS and isinstance(args[0], int):
            waiting = ImportJob.objects.filter(pk=args[0], status__in=(JobStatus.QUEUED, JobStatus.IMPORT_QUEUED))
            for job in waiting:
                settled += _fail(job).status == JobStatus.FAILED
    return settled


def _remove_stale_part_files() -> None:
    directory = Path(settings.CRM_IMPORT_DIR)
    if not directory.exists():
        return
    oldest = time.time() - PART_FILES_STALE_AFTER.total_seconds()
    for part in directory.glob("*.part"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < oldest:
                part.unlink()


def die_with_parent(parent_pid: int) -> None:
    """In a forked worker: be killed when the process that forked it dies
    (Linux's PR_SET_PDEATHSIG), so a killed import leaves no orphan behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
