"""The watch's demo data: a real burst of reveals raises the alert the demo's
security officer sees, and an incident is opened about it; a second run adds nothing."""

from __future__ import annotations

import pytest

from customers import services
from tests.factories import CustomerFactory
from watch.demo import REVEALS, seed_watch
from watch.models import Alert, Incident


@pytest.mark.django_db
def test_the_demo_raises_an_alert_and_opens_an_incident_once(clerk, reviewer, manager, security_officer):
    for n in range(REVEALS):
        pending = services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=70 + n))
        services.customer_approve(actor=reviewer, customer=pending)
    users = {"manager1": manager, "security1": security_officer}
    assert seed_watch(users) == {"reveals": REVEALS, "alerts": 1, "incidents": 1}
    alert = Alert.objects.get()
    assert (alert.account, alert.kind, alert.count) == (manager, "reveal", REVEALS)
    assert Incident.objects.get().account == manager
    assert seed_watch(users) == {"reveals": 0, "alerts": 0, "incidents": 0}
