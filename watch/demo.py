"""Demo data of the security officer's watch for `seed_demo`, made through the
services: `manager1` reveals a dozen ID numbers in one sitting (each reveal a real,
logged one, with its purpose), the sweep raises the misuse alert `security1` sees
on "my work", and `security1` opens an incident about it. Idempotent: nothing is
added once the watch holds an alert or an incident."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from customers.models import Customer
from customers.services import customer_reveal
from watch.models import Alert, Incident
from watch.services import incident_open
from watch.sweep import watch_sweep

REVEALS = 12


def seed_watch(users: dict[str, User]) -> dict[str, int]:
    if Alert.objects.exists() or Incident.objects.exists():
        return {"reveals": 0, "alerts": 0, "incidents": 0}
    manager, officer = users["manager1"], users["security1"]
    customers = list(
        Customer.objects.filter(department_id=manager.department_id, status="approved")
        .exclude(id_number_index="")
        .order_by("id")[:REVEALS]
    )
    for customer in customers:
        customer_reveal(actor=manager, customer=customer, field="id_number", purpose="核对客户身份（演示）")
    raised = watch_sweep()["raised"]
    now = timezone.now()
    incident_open(
        actor=officer,
        account=manager,
        since=now - timedelta(hours=1),
        until=now + timedelta(minutes=5),
        description="部门经理在短时间内连续查看了多位客户的完整证件号码（演示数据）。",
        contact="信息安全员 security1",
    )
    return {"reveals": len(customers), "alerts": raised, "incidents": 1}
