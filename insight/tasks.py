"""The snapshot's refreshes in the background worker (`manage.py db_worker`):
each nightly run queues the next for tomorrow at 01:30 (before the lifecycle
sweep at 02:00); `insight_refresh --schedule` queues the first. A manager's
button queues one run now (`refresh_now`), at most one waiting at a time."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from accounts.models import User
from insight.refresh import ABANDONED_AFTER, snapshot_refresh

logger = logging.getLogger(__name__)


def next_run(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    return datetime.combine(now.date() + timedelta(days=1), time(1, 30), now.tzinfo)


@task()
def nightly_refresh() -> int:
    snapshot = snapshot_refresh()
    schedule_next_refresh()
    return snapshot.customers


def schedule_next_refresh() -> None:
    nightly_refresh.using(run_after=next_run()).enqueue()


@task()
def refresh_now(user_id: int | None = None) -> int:
    actor = User.objects.filter(pk=user_id).first() if user_id else None
    return snapshot_refresh(actor=actor).customers


def refresh_waiting() -> bool:
    """A requested refresh is queued, or running and not given up for dead: a
    worker killed mid-refresh leaves its task "running" until a worker's start
    fails it (bulk.recovery), or on another host for ever, so one running longer
    than a refresh ever takes no longer blocks the button."""
    from django_tasks_db.models import DBTaskResult

    alive = Q(status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - ABANDONED_AFTER)
    return (
        DBTaskResult.objects.filter(task_path=refresh_now.module_path)
        .filter(Q(status=TaskResultStatus.READY) | alive)
        .exists()
    )


def refresh_request(*, actor: User) -> bool:
    """Queue a refresh for `actor` (a manager); False if one is waiting already."""
    if refresh_waiting():
        return False
    refresh_now.enqueue(user_id=actor.pk)
    logger.info("insight refresh queued by %s", actor.username)
    return True
