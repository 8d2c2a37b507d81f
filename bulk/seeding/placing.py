"""Where each seeded customer stands: department, maker, owner, review state, dates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bulk.seeding.company import Company
from customers.models import Status

SPAN_DAYS = 3 * 365  # customers were entered over the last three years
QUIET_DAYS = 3  # … up to three days ago, so every decision and transaction is in the past
HEAVY_EVERY = 5000  # one approved customer in 5,000 has hundreds of related rows
HEAVY_TRANSACTIONS, HEAVY_CONTACTS, HEAVY_COMPLAINTS = 250, 60, 12
STATUS_SHARES = [(Status.APPROVED, 0.85), (Status.PENDING, 0.07), (Status.RETURNED, 0.03), (Status.DRAFT, 0.05)]


def created_at(n: int, total: int, end: datetime) -> datetime:
    """Customer n of `total` was entered in the three years before `end`, in order."""
    start = end - timedelta(days=SPAN_DAYS)
    jitter = (n * 2_654_435_761 % 1000) / 1000
    return start + timedelta(seconds=SPAN_DAYS * 86400 * (n + jitter) / max(total, 1))


@dataclass(slots=True)
class Placed:
    """What the writer decides for customer n (the row's cells decide the rest)."""

    n: int
    rng: random.Random
    department: int
    maker: int
    owner: int
    reviewer: int
    manager: int
    status: str
    created: datetime
    entered: datetime | None
    reviewed: datetime | None
    heavy: bool


def place(n: int, company: Company, created: datetime, now: datetime) -> Placed:
    rng = random.Random(n * 7_919 + 1)  # noqa: S311 — test data
    department = company.department(rng)
    clerks = company.clerks[department]
    maker = rng.choice(clerks)
    owner = maker if rng.random() < 0.8 or len(clerks) == 1 else rng.choice([c for c in clerks if c != maker])
    heavy = n % HEAVY_EVERY == 17
    status = Status.APPROVED if heavy else pick(rng, STATUS_SHARES)
    entered = reviewed = None
    if status != Status.DRAFT:
        entered = min(created + timedelta(minutes=rng.randint(5, 180)), now)
    if status in (Status.APPROVED, Status.RETURNED):
        reviewed = min(entered + timedelta(minutes=rng.randint(30, 4 * 24 * 60)), now)
    return Placed(
        n,
        rng,
        department,
        maker,
        owner,
        rng.choice(company.reviewers[department]),
        rng.choice(company.managers[department]),
        status,
        created,
        entered,
        reviewed,
        heavy,
    )


def pick(rng: random.Random, shares: list[tuple[object, float]]):
    roll = rng.random()
    for value, share in shares:
        if roll < share:
            return value
        roll -= share
    return shares[-1][0]


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.random() * (end - start).total_seconds())
