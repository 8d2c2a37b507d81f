"""core.sql.local_day: the local (settings.TIME_ZONE, Asia/Shanghai, UTC+8) day of a
stored timestamp, computed by the database itself (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from core.sql import local_day
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _day_in_sql(moment: datetime) -> date:
    user = UserFactory(username="sql_day")
    User.objects.filter(pk=user.pk).update(date_joined=moment)
    table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {local_day('u.date_joined')} FROM {table} u WHERE u.id = %s", [user.pk])  # noqa: S608 — our SQL
        (value,) = cursor.fetchone()
    return value if isinstance(value, date) else date.fromisoformat(value)


def test_the_settings_zone_is_eight_hours_ahead_of_utc_as_these_cases_assume():
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("moment", "local"),
    [
        (datetime(2026, 3, 9, 16, 0, tzinfo=UTC), date(2026, 3, 10)),
        (datetime(2026, 3, 9, 16, 30, 5, tzinfo=UTC), date(2026, 3, 10)),
        (datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC), date(2026, 3, 10)),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_a_moment_just_after_local_midnight_falls_on_the_next_day_not_on_its_utc_day(moment, local):
    assert _day_in_sql(moment) == local
    assert moment.date() != local


@pytest.mark.parametrize(
    ("moment", "local"),
    [
        (datetime(2026, 3, 9, 15, 59, 59, tzinfo=UTC), date(2026, 3, 9)),
        (datetime(2026, 3, 9, 0, 0, tzinfo=UTC), date(2026, 3, 9)),
    ],
)
def test_a_moment_before_local_midnight_stays_on_its_day(moment, local):
    assert _day_in_sql(moment) == local
