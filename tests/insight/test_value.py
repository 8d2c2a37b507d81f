"""Value, potential and loyalty computed by hand on a small set (issue 20 item 1)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from insight.models import CustomerAmount, CustomerScore
from insight.refresh import snapshot_refresh
from tests.insight.helpers import approved, booked, complained, contacted, person, surveyed

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def as_of():
    return (timezone.now() - timedelta(hours=1)).replace(microsecond=0)


def _score(snapshot, customer) -> CustomerScore:
    return CustomerScore.objects.get(snapshot=snapshot, customer=customer)


def _amounts(snapshot, customer) -> dict[str, Decimal]:
    rows = CustomerAmount.objects.filter(snapshot=snapshot, customer_id=customer.pk)
    return {row.currency: row.net for row in rows}


def test_rfm_is_net_of_reversals_per_currency_and_counts_the_window_edge(clerk, reviewer, as_of):
    a = approved(clerk, reviewer)
    big = booked(clerk, reviewer, a, as_of - 10 * DAY, "1000.00")
    booked(clerk, reviewer, a, as_of - 5 * DAY, "300.00", kind="return", original=big)
    booked(clerk, reviewer, a, as_of - 200 * DAY, "200.00", currency="USD")
    booked(clerk, reviewer, a, as_of - 365 * DAY, "500.00")  # exactly at the window's edge: counts
    booked(clerk, reviewer, a, as_of - 365 * DAY - timedelta(seconds=1), "999.00")  # a second before: not
    booked(clerk, reviewer, a, as_of + timedelta(minutes=30), "777.00")  # after the snapshot's moment: not

    snapshot = snapshot_refresh(as_of=as_of)

    score = _score(snapshot, a)
    assert _amounts(snapshot, a) == {"CNY": Decimal("1200.00"), "USD": Decimal("200.00")}
    assert score.frequency == 3
    assert score.recency_days == 10
    assert score.recent_half == Decimal("700.00")
    assert score.earlier_half == Decimal("500.00")


def test_a_wholly_reversed_purchase_is_no_purchase(clerk, reviewer, as_of):
    b = approved(clerk, reviewer)
    bought = booked(clerk, reviewer, b, as_of - 100 * DAY, "100.00")
    booked(clerk, reviewer, b, as_of - 99 * DAY, "100.00", kind="return", original=bought)

    score = _score(snapshot_refresh(as_of=as_of), b)

    assert (score.frequency, score.recency_days, score.value_class) == (0, None, "occasional")


def test_potential_and_loyalty_follow_the_documented_rules(clerk, reviewer, as_of):
    a = approved(clerk, reviewer)
    big = booked(clerk, reviewer, a, as_of - 10 * DAY, "1000.00")
    booked(clerk, reviewer, a, as_of - 5 * DAY, "300.00", kind="return", original=big)
    booked(clerk, reviewer, a, as_of - 200 * DAY, "200.00", currency="USD")
    booked(clerk, reviewer, a, as_of - 300 * DAY, "500.00")
    contacted(clerk, a, as_of - DAY)
    surveyed(clerk, a, as_of - 3 * DAY, overall=4)
    complained(clerk, a, as_of - 2 * DAY)

    score = _score(snapshot_refresh(as_of=as_of), a)

    # trend g = (700 - 500) / 700; potential = 0.6 × 50 × (g + 1) + 0.4 × 25 (one consultation) = 48.57
    assert (score.consultations, score.potential_score) == (1, 49)
    # loyalty = 0.3 × 0 (new) + 0.3 × 50 (two repeat purchases) + 0.4 × 75 (survey 4/5) − 15 (a complaint)
    assert (score.relationship_days, score.complaints, score.satisfaction) == (0, 1, 4.0)
    assert score.loyalty_score == 30


def test_value_classes_are_quantiles_within_each_department(clerk, reviewer, other_department, as_of):
    ten = [approved(clerk, reviewer) for _ in range(10)]
    for i, customer in enumerate(ten, start=1):
        booked(clerk, reviewer, customer, as_of - (11 - i) * DAY, f"{100 * i}.00")
    away_clerk = person("away_clerk", "clerk", other_department)
    away_reviewer = person("away_reviewer", "reviewer", other_department)
    five = [approved(away_clerk, away_reviewer) for _ in range(5)]
    for i, customer in enumerate(five, start=1):
        booked(away_clerk, away_reviewer, customer, as_of - (6 - i) * DAY, f"{10 * i}.00")

    snapshot = snapshot_refresh(as_of=as_of)

    scores = [_score(snapshot, customer) for customer in ten]
    # amount and recency percentiles are both (i - 1) / 9, frequency ties: 100 × 0.7 × (i - 1) / 9
    assert [s.value_score for s in scores] == [0, 8, 16, 23, 31, 39, 47, 54, 62, 70]
    assert [s.value_class for s in scores] == ["occasional"] * 3 + ["general"] * 5 + ["key"] * 2
    # Five customers: the top one is a fifth (key) however small; the bottom one a fifth (occasional).
    away = [_score(snapshot, customer).value_class for customer in five]
    assert away == ["occasional", "general", "general", "general", "key"]
