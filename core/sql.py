"""Small pieces of SQL that several apps write into their own statements, one
spelling for SQLite and PostgreSQL each."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection


def local_day(column: str) -> str:
    """The local day (settings.TIME_ZONE) of the timestamp expression `column`, as
    SQL for this database: a UTC date would put a moment after local midnight on
    the day before. SQLite is given the zone's present fixed offset (the zone has
    no daylight saving)."""
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS date)"
    offset = datetime.now(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return f"date({column}, '{minutes:+d} minutes')"
