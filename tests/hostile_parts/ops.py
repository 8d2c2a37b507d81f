"""/healthz (issue 18 item 5) in the hostile-input test: it reads no parameter, so
whatever is sent it answers as it would anyway — never a server error."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ops.models import WorkerHeartbeat

# No login needed: probed as the anonymous visitor a load balancer is.
ROUTES = {"ops:healthz": ({}, "", ("anonymous",))}


def build(people, ids) -> dict[str, int]:
    # A worker that beats throughout the test, however long it runs: /healthz answers
    # 200, so a 5xx here could only be the hostile values' doing.
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="hostile:1:1", started_at=now, beat_at=now + timedelta(days=1))
    return {}
