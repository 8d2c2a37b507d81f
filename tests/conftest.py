"""Personas and shared fixtures (STYLE.md: personas as fixtures)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import CustomerFactory, DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def department(db):
    return DepartmentFactory(code="retail", name="零售客户部")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="corporate", name="对公客户部")


def _persona(username: str, role: str | None, department, **extra):
    user = UserFactory(username=username, department=department, **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def clerk(department):
    return _persona("clerk", "clerk", department)


@pytest.fixture
def other_clerk(department):
    return _persona("other_clerk", "clerk", department)


@pytest.fixture
def reviewer(department):
    return _persona("reviewer", "reviewer", department)


@pytest.fixture
def manager(department):
    return _persona("manager", "manager", department, is_staff=True)


@pytest.fixture
def other_department_manager(other_department):
    return _persona("other_manager", "manager", other_department, is_staff=True)


@pytest.fixture
def security_officer(department):
    return _persona("security", "security_officer", department, is_staff=True)


@pytest.fixture
def customer(clerk):
    return CustomerFactory(actor=clerk)
