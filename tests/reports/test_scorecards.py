"""Scorecards (issue 20 item 5): each figure equals the answer worked out by hand
on a small set; a month's figures stay in their month; the same queries whatever
the number of rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer
from interactions import services as interaction_services
from interactions.models import Interaction
from lifecycle.models import SampleCheck, SampleResult
from reports import scorecards
from review.models import ReviewDecision
from tests.factories import CustomerFactory, UserFactory

SEPTEMBER = date(2026, 9, 1)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def role(user, name: str):
    user.groups.add(Group.objects.get(name=name))
    return user


def _entry(clerk, n: int, entered: datetime) -> Customer:
    customer = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=n))
    Customer.objects.filter(pk=customer.pk).update(entered_at=entered)
    customer.refresh_from_db()
    return customer


def _decide(reviewer, customer: Customer, *, hours: int, returned: bool = False) -> None:
    if returned:
        customer_services.customer_return(actor=reviewer, customer=customer, field_reasons={"mobile": "错"})
    else:
        customer_services.customer_approve(actor=reviewer, customer=customer)
    decided = customer.entered_at + timedelta(hours=hours)
    Customer.objects.filter(pk=customer.pk).update(entered_at=customer.entered_at, reviewed_at=decided)
    ReviewDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(Customer), object_id=customer.pk
    ).update(at=decided)
    customer.refresh_from_db()


def _contact(clerk, customer: Customer, occurred: datetime, entered: datetime) -> None:
    fields = {
        "channel": "phone",
        "direction": "inbound",
        "kind": "consultation",
        "summary": "咨询",
        "occurred_at": occurred,
    }
    contact = interaction_services.interaction_log(actor=clerk, customer=customer, fields=fields)
    Interaction.objects.filter(pk=contact.pk).update(occurred_at=occurred, created_at=entered)


@pytest.fixture
def september(clerk, reviewer, department, other_department):
    """In September 2026 the clerk submits four entries (one more in August):
    decided after 2 h and 4 h (approved) and 10 h (returned), one still pending;
    two of them drawn for a second check, one found wrong; four contacts entered
    0.5, 1.5, 3 and 24 hours after they happened. A clerk of the other department
    works the same month and never shows."""
    second = role(UserFactory(username="second_checker", department=department), "reviewer")
    _entry(clerk, 9, at(8, 30))
    c1, c2, c3 = (_entry(clerk, n, at(9, n + 1)) for n in (1, 2, 3))
    _entry(clerk, 4, at(9, 5))
    _decide(reviewer, c1, hours=2)
    _decide(reviewer, c2, hours=4)
    _decide(reviewer, c3, hours=10, returned=True)
    for customer, result, day in ((c1, SampleResult.WRONG, 20), (c2, SampleResult.CORRECT, 21)):
        SampleCheck.objects.create(
            customer=customer,
            department=department,
            period_start=date(2026, 9, 14),
            period_end=date(2026, 9, 20),
            maker=clerk,
            checker=reviewer,
            reviewer=second,
            result=result,
            checked_at=at(9, day),
        )
    for day, minutes in ((10, 90), (11, 24 * 60), (12, 30), (13, 180)):
        _contact(clerk, c1, at(9, day, 8), at(9, day, 8) + timedelta(minutes=minutes))
    far_clerk = role(UserFactory(username="far_clerk", department=other_department), "clerk")
    far_reviewer = role(UserFactory(username="far_reviewer", department=other_department), "reviewer")
    _decide(far_reviewer, _entry(far_clerk, 20, at(9, 3)), hours=1)
    return {"c1": c1}


@pytest.mark.django_db
def test_a_clerks_and_a_reviewers_month_equal_the_figures_worked_out_by_hand(september, clerk, reviewer, department):
    cards = {
        person.username: card
        for person, card in scorecards.department_month(department_id=department.pk, month=SEPTEMBER)
    }
    mine = cards["clerk"]
    assert (mine.entries, mine.decisions_on_entries, mine.returned_entries) == (4, 3, 1)
    assert round(mine.return_rate, 4) == round(1 / 3, 4)
    assert (mine.sampled, mine.sampled_wrong, mine.error_rate) == (2, 1, 0.5)
    # Waits 2, 4, 10 h: the median is the 2nd (4 h), the 90th percentile the 3rd.
    assert (mine.wait_median_hours, mine.wait_p90_hours) == (4.0, 10.0)
    # Contacts 0.5, 1.5, 3, 24 h: nearest rank 2 of 4 and 4 of 4.
    assert (mine.contact_median_hours, mine.contact_p90_hours) == (1.5, 24.0)
    checker = cards["reviewer"]
    assert (checker.decisions, checker.returns_made) == (3, 1)
    assert (checker.checked_sampled, checker.checked_wrong, checker.checker_error_rate) == (2, 1, 0.5)
    assert (checker.decide_median_hours, checker.decide_p90_hours) == (4.0, 10.0)
    assert checker.entries == 0 and cards["second_checker"].decisions == 0
    assert "far_clerk" not in cards and "far_reviewer" not in cards


@pytest.mark.django_db
def test_a_persons_page_puts_each_figure_in_its_own_month(september, clerk):
    months = dict(scorecards.person_months(person=clerk, month=date(2026, 10, 1)))
    assert len(months) == scorecards.MONTHS
    assert months[date(2026, 10, 1)].entries == 0
    assert months[SEPTEMBER].entries == 4
    assert months[SEPTEMBER].wait_median_hours == 4.0
    assert months[date(2026, 8, 1)].entries == 1
    assert months[date(2026, 8, 1)].wait_median_hours is None


@pytest.mark.django_db
def test_the_department_page_shows_the_figures_and_the_month_chosen(client, manager, september):
    client.force_login(manager)
    response = client.get(reverse("reports:scorecards"), {"month": "2026-09"})
    assert response.status_code == 200
    entry_table = response.context["tables"][0]
    row = next(r for r in entry_table.rows if "(clerk)" in r[0])
    assert row[1:8] == [4, 3, 1, "33%", 2, 1, "50%"]
    assert "far_clerk" not in response.content.decode()


@pytest.mark.django_db
def test_a_month_that_is_no_month_falls_back_to_this_month(client, manager):
    client.force_login(manager)
    for month in ("2026-13", "x" * 500, "1900-01", "9999-01", "2026-1"):
        response = client.get(reverse("reports:scorecards"), {"month": month})
        assert response.status_code == 200
        assert response.context["month"] == timezone.localdate().strftime("%Y-%m")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"month": "2026-09"}).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_pages_cost_the_same_queries_with_three_times_the_rows(client, manager, clerk, reviewer, september):
    client.force_login(manager)
    urls = [reverse("reports:scorecards"), reverse("reports:scorecard", args=[clerk.pk])]
    before = [_queries(client, url) for url in urls]
    for n in range(30, 40):
        _decide(reviewer, _entry(clerk, n, at(9, 6)), hours=n)
        _contact(clerk, september["c1"], at(9, 7), at(9, 7, 12))
    assert [_queries(client, url) for url in urls] == before
