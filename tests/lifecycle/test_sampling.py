"""Sampling for a second check (issue 17 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from customers import services as customer_services
from lifecycle import selectors
from lifecycle.models import SampleCheck, SampleResult
from lifecycle.services.sampling import sample_check_record, samples_draw
from tests.factories import CustomerFactory, UserFactory


def _tomorrow():
    # Computed when the test runs, not at import: a run that crosses local midnight
    # would otherwise draw from the wrong week.
    return timezone.localdate() + timedelta(days=1)  # today's approvals are in the past week then


def approvals(clerk, reviewer, count: int) -> None:
    for _ in range(count):
        customer_services.customer_approve(
            actor=reviewer,
            customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk)),
        )


@pytest.fixture
def second_reviewer(department):
    user = UserFactory(username="reviewer2", department=department)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


@pytest.mark.django_db
def test_a_sample_goes_to_neither_the_maker_nor_the_first_checker(clerk, reviewer, second_reviewer):
    approvals(clerk, reviewer, 4)

    assert samples_draw(today=_tomorrow(), share=1.0) == {"drawn": 4, "already": 0, "unassigned": 0}
    assert set(SampleCheck.objects.values_list("reviewer__username", flat=True)) == {"reviewer2"}


@pytest.mark.django_db
def test_with_no_third_person_the_record_is_not_sampled_and_the_sweep_says_so(clerk, reviewer):
    approvals(clerk, reviewer, 2)
    assert samples_draw(today=_tomorrow(), share=1.0) == {"drawn": 0, "already": 0, "unassigned": 2}


@pytest.mark.django_db
def test_the_share_is_respected_and_a_second_draw_of_the_week_draws_nothing(clerk, reviewer, second_reviewer):
    approvals(clerk, reviewer, 20)

    assert samples_draw(today=_tomorrow(), share=0.1)["drawn"] == 2
    assert samples_draw(today=_tomorrow(), share=0.1) == {"drawn": 0, "already": 1, "unassigned": 0}
    assert samples_draw(today=_tomorrow() + timedelta(days=14), share=0.1)["drawn"] == 0  # the week is over
    assert SampleCheck.objects.count() == 2


@pytest.mark.django_db
def test_results_are_kept_and_give_the_error_rate_per_clerk_and_per_reviewer(
    clerk, reviewer, second_reviewer, department
):
    approvals(clerk, reviewer, 4)
    samples_draw(today=_tomorrow(), share=1.0)
    first, second, third, fourth = SampleCheck.objects.order_by("id")
    with pytest.raises(ValidationError):
        sample_check_record(actor=second_reviewer, sample=first, correct=False)  # which fields?
    sample_check_record(actor=second_reviewer, sample=first, correct=False, wrong_fields=["mobile"], note="号码错一位")
    sample_check_record(actor=second_reviewer, sample=second, correct=True)
    sample_check_record(actor=second_reviewer, sample=third, correct=True)

    assert SampleCheck.objects.get(pk=first.pk).wrong_fields == ["mobile"]
    rates = selectors.sample_error_rates(department_ids=[department.pk])
    assert [(r["username"], r["checked"], r["wrong"]) for r in rates["maker"]] == [("clerk", 3, 1)]
    assert [(r["username"], r["checked"], r["wrong"]) for r in rates["checker"]] == [("reviewer", 3, 1)]
    assert rates["maker"][0]["rate"] == pytest.approx(1 / 3)
    assert list(selectors.samples_waiting_for(second_reviewer)) == [fourth]


@pytest.mark.django_db
def test_only_the_assigned_reviewer_records_the_result_and_the_database_keeps_the_three_apart(
    clerk, reviewer, second_reviewer
):
    approvals(clerk, reviewer, 1)
    samples_draw(today=_tomorrow(), share=1.0)
    sample = SampleCheck.objects.get()
    with pytest.raises(PermissionDenied):
        sample_check_record(actor=reviewer, sample=sample, correct=True)
    assert SampleCheck.objects.get().result == SampleResult.PENDING
    with pytest.raises(IntegrityError):
        SampleCheck.objects.filter(pk=sample.pk).update(reviewer=clerk)


@pytest.mark.django_db
def test_the_entry_quality_report_shows_the_error_rate_per_clerk_and_per_reviewer(
    clerk, reviewer, second_reviewer, department
):
    from reports import queries

    approvals(clerk, reviewer, 2)
    samples_draw(today=_tomorrow(), share=1.0)
    first, second = SampleCheck.objects.order_by("id")
    sample_check_record(actor=second_reviewer, sample=first, correct=False, wrong_fields=["email"])
    sample_check_record(actor=second_reviewer, sample=second, correct=True)
    today = timezone.localdate()

    tables = queries.quality(queries.Filters(departments=[department.pk], since=today, until=today))

    per_clerk, per_reviewer = tables[-2:]  # the report's last two sections
    assert [row[1:] for row in per_clerk.rows] == [[2, 1, "50%"]] and "(clerk)" in per_clerk.rows[0][0]
    assert [row[1:] for row in per_reviewer.rows] == [[2, 1, "50%"]] and "(reviewer)" in per_reviewer.rows[0][0]
