"""`lifecycle_sweep` (issue 17 item 6): fills the queues, says what it did, idempotent."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from customers import services as customer_services
from customers.models import Customer
from lifecycle.models import SampleCheck
from tests.factories import CustomerFactory, UserFactory


def sweep(*args) -> str:
    out = io.StringIO()
    call_command("lifecycle_sweep", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_sweep_says_what_it_found_and_a_second_run_draws_no_second_sample(clerk, reviewer, department):
    second = UserFactory(username="reviewer2", department=department)
    second.groups.add(Group.objects.get(name="reviewer"))
    for days in (400, 10):
        customer = customer_services.customer_approve(
            actor=reviewer,
            customer=customer_services.customer_submit(
                actor=clerk,
                customer=CustomerFactory(
                    actor=clerk,
                    consent_at=timezone.now() - timedelta(days=2000),
                    retention_until=timezone.localdate() - timedelta(days=days),
                ),
            ),
        )
        Customer.objects.filter(pk=customer.pk).update(
            contact_verified_at=timezone.now() - timedelta(days=days),
            reviewed_at=timezone.now() - timedelta(days=2),
        )

    first = sweep()
    assert "       1  re-verifications due\n" in first
    assert "       2  customers past retention\n" in first
    assert "       2  in the destruction queue" in first
    drawn = SampleCheck.objects.count()
    assert drawn == 1  # 5 % of two approvals, rounded up

    again = sweep()
    assert SampleCheck.objects.count() == drawn
    assert "       0  samples drawn" in again


@pytest.mark.django_db
def test_schedule_queues_the_next_daily_run_in_the_worker():
    sweep("--schedule")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "lifecycle.tasks.daily_sweep"
    assert queued.run_after > timezone.now()
