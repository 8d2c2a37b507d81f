"""The watch's pages in the hostile-input test: the report's filter (year 9999,
reversed windows, junk user names), the incident, lock and acknowledgement forms."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from watch.models import Alert, Incident

ROUTES = {
    "watch:report": ({}, "", ("security",)),
    "watch:report_export": ({"file_format": "csv"}, "?user=clerk&since=2026-01-01&until=2026-12-31", ("security",)),
    "watch:incidents": ({}, "", ("security",)),
    "watch:incident_create": ({}, "", ("security",)),
    "watch:incident": ({"pk": "watch_incident"}, "", ("security",)),
    "watch:notice": ({"pk": "watch_incident"}, "", ("security",)),
    "watch:notice_download": ({"pk": "watch_incident"}, "", ("security",)),
    "watch:lock": ({"pk": "watch_clerk"}, "", ("security",)),
    "watch:alerts": ({}, "", ("security",)),
    "watch:alert": ({"pk": "watch_alert"}, "", ("security",)),
}


def build(people, ids) -> dict[str, int]:
    clerk = people["clerk"]
    now = timezone.now()
    incident = Incident.objects.create(
        account=clerk,
        department=clerk.department,
        since=now - timedelta(days=7),
        until=now,
        description="批量查看",
        opened_by=people["security"],
    )
    alert = Alert.objects.create(
        account=clerk,
        department=clerk.department,
        kind="export",
        day=timezone.localdate(),
        count=9,
        own_median=0,
        department_median=0,
        baseline_days=28,
    )
    return {"watch_incident": incident.pk, "watch_alert": alert.pk, "watch_clerk": clerk.pk}
