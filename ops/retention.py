"""Which backups `backup --prune DIR` keeps (README "Backups and restore").

Database backups: the newest of each of the last 7 days, of each of the last 4
weeks and of each of the last 12 months (a backup may count for several). Key-store
backups: those of the last 30 days, and always the newest — a key backup holds the
shares of customers destroyed since, so it is kept short. Files are recognised by
their header (its time is bound into every chunk); anything else is left alone.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ops import backup_format as fmt

DAILY, WEEKLY, MONTHLY = 7, 4, 12
KEY_DAYS = 30


def _backups(directory: Path) -> list[tuple[Path, fmt.Header]]:
    found = []
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            with open(path, "rb") as handle:
                found.append((path, fmt.read_header(handle)))
        except (fmt.BackupError, OSError):
            continue
    return found


def kept_database_backups(created: list[int], *, now: float) -> set[int]:
    """The creation times (seconds) to keep, of `created`."""
    today = datetime.fromtimestamp(now, UTC).date()
    newest_in: dict[tuple, int] = {}
    for stamp in sorted(created):
        day = datetime.fromtimestamp(stamp, UTC).date()
        age = (today - day).days
        if age < DAILY:
            newest_in[("day", day)] = stamp
        if age < WEEKLY * 7:
            newest_in[("week", *day.isocalendar()[:2])] = stamp
        if (today.year - day.year) * 12 + today.month - day.month < MONTHLY:
            newest_in[("month", day.year, day.month)] = stamp
    return set(newest_in.values())


def prune(directory: Path, *, now: float | None = None) -> tuple[list[Path], list[Path]]:
    now = time.time() if now is None else now
    backups = _backups(directory)
    databases = [(p, h) for p, h in backups if h.kind == fmt.DATABASE]
    keys = [(p, h) for p, h in backups if h.kind == fmt.KEYS]
    keep = kept_database_backups([h.created for _, h in databases], now=now)
    removed, kept = [], []
    for path, header in databases:
        (kept if header.created in keep else removed).append(path)
    newest_key = max((h.created for _, h in keys), default=None)
    horizon = now - timedelta(days=KEY_DAYS).total_seconds()
    for path, header in keys:
        (kept if header.created >= horizon or header.created == newest_key else removed).append(path)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed, kept
