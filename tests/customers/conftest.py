"""Fixtures the customers' tests share."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def reviewing_clerk(department, clerk):
    """A clerk who is also a reviewer: the only kind of person who could approve their own entry."""
    from django.contrib.auth.models import Group

    user = UserFactory(username="both", department=department)
    user.groups.add(Group.objects.get(name="clerk"), Group.objects.get(name="reviewer"))
    return user
