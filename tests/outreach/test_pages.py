"""The outreach pages: fixed query counts, the "my work" partial, and the
department hierarchy that decides who is of higher scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outreach import rights, selectors, services
from tests.factories import DepartmentFactory


def _answered_round(manager, clerk, customers):
    survey_round = services.survey_round_open(
        actor=manager, fields={"title": "年度调查", "target_rate": 10, "sample_share": None}
    )
    for member in survey_round.members.select_related("customer"):
        services.survey_answer_record(
            actor=clerk,
            member=member,
            fields={
                "surveyed_at": timezone.now() - timedelta(hours=1),
                "service_quality": 2,
                "price": 4,
                "overall": 3,
            },
        )
    return survey_round


@pytest.mark.django_db
def test_the_round_page_costs_the_same_queries_at_two_and_at_six_answers(
    make_approved, clerk, manager, client, django_assert_num_queries
):
    customers = [make_approved(), make_approved()]
    small = _answered_round(manager, clerk, customers)
    customers += [make_approved() for _n in range(4)]
    large = _answered_round(manager, clerk, customers)
    client.force_login(manager)
    client.get(reverse("outreach:round", args=[small.pk]))
    with CaptureQueriesContext(connection) as at_two:
        client.get(reverse("outreach:round", args=[small.pk]))
    with django_assert_num_queries(len(at_two.captured_queries)):
        page = client.get(reverse("outreach:round", args=[large.pk]))
    body = page.content.decode()
    assert all(c.archive_no in body for c in customers)
    assert "100.0%" in body


@pytest.mark.django_db
def test_the_my_work_partial_renders_greetings_actions_and_the_overdue_flag(make_approved, clerk, manager):
    day = timezone.localdate() + timedelta(days=2)
    customer = make_approved(born=day.replace(year=1992))
    survey_round = services.survey_round_open(
        actor=manager, fields={"title": "年度调查", "target_rate": 90, "sample_share": None}
    )
    services.survey_round_close(actor=manager, survey_round=survey_round)
    action = services.corrective_action_plan(
        actor=manager,
        survey_round=survey_round,
        fields={"description": "培训话术", "owner": clerk, "due_on": timezone.localdate()},
    )
    type(action).objects.filter(pk=action.pk).update(due_on=date(2020, 1, 1))

    html = render_to_string("outreach/_my_work.html", selectors.my_work(user=clerk))
    assert customer.archive_no in html
    assert 'data-testid="greet"' in html
    assert "培训话术" in html
    assert 'data-testid="action-overdue"' in html


@pytest.mark.django_db
def test_a_department_cannot_be_placed_below_itself():
    top = DepartmentFactory(code="top", name="总部")
    middle = DepartmentFactory(code="mid", name="分部", parent=top)
    top.parent = middle
    with pytest.raises(ValidationError):
        top.full_clean()
    assert rights.ancestors_of(middle.pk) == [top.pk]
    assert rights.descendants_of(top.pk) == [middle.pk]


@pytest.mark.django_db
def test_higher_scope_is_any_department_above_never_one_beside_or_below():
    top = DepartmentFactory(code="top", name="总部")
    branch = DepartmentFactory(code="branch", name="分行", parent=top)
    desk = DepartmentFactory(code="desk", name="支行", parent=branch)
    beside = DepartmentFactory(code="beside", name="另一分行", parent=top)
    assert rights.ancestors_of(desk.pk) == [branch.pk, top.pk]
    assert set(rights.descendants_of(top.pk)) == {branch.pk, desk.pk, beside.pk}
    assert beside.pk not in rights.ancestors_of(desk.pk)
    assert desk.pk not in rights.ancestors_of(branch.pk)
