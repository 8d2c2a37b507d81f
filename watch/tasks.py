"""The misuse sweep in the background worker (`manage.py db_worker`): each run
queues the next one `CRM_ALERT_SWEEP_EVERY_MINUTES` later. `watch_sweep --schedule`
queues the first; cron running `watch_sweep` hourly does the same without the worker."""

from __future__ import annotations

import logging

from django_tasks import task

from watch.sweep import next_run, watch_sweep

logger = logging.getLogger(__name__)


@task()
def hourly_sweep() -> dict[str, int]:
    figures = watch_sweep()
    logger.info("watch sweep: %s", figures)
    schedule_next_sweep()
    return figures


def schedule_next_sweep() -> None:
    hourly_sweep.using(run_after=next_run()).enqueue()
