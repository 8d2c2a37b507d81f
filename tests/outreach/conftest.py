"""Customers with birthdays and founding days, consent withdrawals, and the
managers of a department above (issue 20 items 3-4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from customers import services as customer_services
from lifecycle.services import subject
from tests.factories import CustomerFactory, DepartmentFactory, UserFactory, make_resident_id, make_uscc


@pytest.fixture
def make_approved(clerk, reviewer):
    """An approved customer of the clerk: `born` for an individual, `founded`
    for an organisation."""
    counter = iter(range(500, 10_000))

    def make(*, born: date | None = None, founded: date | None = None, **overrides):
        n = next(counter)
        if founded is not None:
            draft = CustomerFactory(
                actor=clerk, organization=True, n=n, id_number=make_uscc(n), founded_on=founded, **overrides
            )
        else:
            born = born or date(1985, 6, 15)
            draft = CustomerFactory(
                actor=clerk, n=n, id_number=make_resident_id(born, sequence=n % 1000), birth_date=born, **overrides
            )
        pending = customer_services.customer_submit(actor=clerk, customer=draft)
        return customer_services.customer_approve(actor=reviewer, customer=pending)

    return make


@pytest.fixture
def withdraw(clerk):
    """The customer withdraws consent (an answered withdrawal request)."""

    def withdraw(customer):
        request = subject.subject_request_record(
            actor=clerk, customer=customer, kind="withdrawal", received_on=timezone.localdate()
        )
        subject.subject_request_answer(actor=clerk, request=request)

    return withdraw


@pytest.fixture
def head_office(department):
    """A department above the clerk's (零售客户部) and its manager: of higher scope."""
    head = DepartmentFactory(code="head", name="总行")
    department.parent = head
    department.save(update_fields=["parent"])
    return head


@pytest.fixture
def head_manager(head_office):
    user = UserFactory(username="head_manager", department=head_office, is_staff=True)
    user.groups.add(Group.objects.get(name="manager"))
    return user


@pytest.fixture
def second_manager(department):
    """Another manager of the same department: the same scope as the opener."""
    user = UserFactory(username="manager_two", department=department, is_staff=True)
    user.groups.add(Group.objects.get(name="manager"))
    return user
