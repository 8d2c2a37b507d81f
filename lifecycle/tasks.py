"""The daily sweep in the background worker (`manage.py db_worker`): each run
queues the next one for tomorrow at 02:00. `lifecycle_sweep --schedule` queues the
first; cron running `lifecycle_sweep` daily does the same without the worker."""

from __future__ import annotations

import logging

from django_tasks import task

from lifecycle.sweep import lifecycle_sweep, next_run

logger = logging.getLogger(__name__)


@task()
def daily_sweep() -> dict[str, int]:
    figures = lifecycle_sweep()
    logger.info("lifecycle sweep: %s", figures)
    schedule_next_sweep()
    return figures


def schedule_next_sweep() -> None:
    daily_sweep.using(run_after=next_run()).enqueue()
