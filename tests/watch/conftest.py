"""Shared by the watch's tests: access-log entries written at a chosen time."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from audit.services import access_log_record
from customers import services as customer_services
from tests.factories import CustomerFactory


@contextmanager
def at(moment: datetime):
    """Entries written inside are stamped `moment` (the log refuses UPDATE, so
    its time is chosen as it is written)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def local_noon(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def log(user, action: str, times: int = 1, *, when: datetime | None = None, **fields) -> None:
    with at(when or timezone.now()):
        for _ in range(times):
            access_log_record(action=action, actor=user, **fields)


@pytest.fixture
def approved(clerk, reviewer):
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=31))
    return customer_services.customer_approve(actor=reviewer, customer=pending)


REVEAL, LOOKUP, EXPORT = AccessLog.Action.REVEAL, AccessLog.Action.LOOKUP, AccessLog.Action.EXPORT
