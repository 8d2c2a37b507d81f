"""The watch's rows on each side (issue 18 items 3-4): an incident about the
side's clerk and an open misuse alert about them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from watch.models import Alert, Incident


def build(side, n: int) -> dict[str, Any]:
    now = timezone.now()
    incident = Incident.objects.create(
        account=side.clerk,
        department=side.department,
        since=now - timedelta(days=7),
        until=now,
        description="夜间批量查看客户证件号码",
        opened_by=side.manager,
    )
    alert = Alert.objects.create(
        account=side.clerk,
        department=side.department,
        kind="reveal",
        day=timezone.localdate(),
        count=40,
        own_median=1,
        department_median=1,
        baseline_days=28,
        evidence={"threshold": 3, "factor": 3, "min": 10},
    )
    return {"incident": incident, "alert": alert}
