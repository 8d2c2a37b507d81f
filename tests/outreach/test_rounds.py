"""The satisfaction programme (issue 20 item 4): a round, its answers, its
figures worked out by hand, its approval by a higher scope only, and the
corrective actions a round below its target requires."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interactions.models import Feedback
from outreach import analysis, selectors, services
from outreach.models import RoundMember, RoundStatus, SurveyRound
from transactions import services as txn_services
from transactions.models import Product


def _answer(clerk, member, sq, price, overall, comment=""):
    when = timezone.now() - timedelta(hours=1)
    fields = {"surveyed_at": when, "service_quality": sq, "price": price, "overall": overall, "comment": comment}
    return services.survey_answer_record(actor=clerk, member=member, fields=fields)


def _open(manager, target=50, share=None, title="2026年度满意度调查", rng=None):
    fields = {"title": title, "target_rate": target, "sample_share": share}
    return services.survey_round_open(actor=manager, fields=fields, rng=rng)


def _member(survey_round, customer):
    return RoundMember.objects.get(round=survey_round, customer=customer)


@pytest.mark.django_db
def test_a_round_asks_every_active_customer_of_the_department_but_not_those_who_withdrew_consent(
    make_approved, withdraw, manager
):
    a, b, gone = make_approved(), make_approved(), make_approved()
    withdraw(gone)
    survey_round = _open(manager)
    assert set(survey_round.members.values_list("customer_id", flat=True)) == {a.pk, b.pk}
    assert survey_round.status == RoundStatus.OPEN


@pytest.mark.django_db
def test_a_sampled_round_asks_the_share_rounded_up_drawn_at_random(make_approved, manager):
    customers = [make_approved() for _n in range(5)]
    survey_round = _open(manager, share=Decimal("0.5"), rng=random.Random(7))
    asked = set(survey_round.members.values_list("customer_id", flat=True))
    assert len(asked) == 3  # ⌈5 × 0.5⌉
    assert asked <= {c.pk for c in customers}


@pytest.mark.django_db
def test_only_a_manager_opens_a_round(make_approved, clerk, reviewer):
    make_approved()
    for person in (clerk, reviewer):
        with pytest.raises(PermissionDenied):
            _open(person)
    assert not SurveyRound.objects.exists()


@pytest.mark.django_db
def test_response_rate_and_analysis_figures_match_a_hand_calculation(make_approved, clerk, reviewer, manager):
    product = Product.objects.create(sku="P-S1", name="理财课程", unit_price=Decimal("300.00"))
    a, b, c = make_approved(), make_approved(), make_approved()
    txn = txn_services.transaction_create(
        actor=clerk,
        customer=a,
        fields={
            "kind": "purchase",
            "occurred_at": timezone.now() - timedelta(days=3),
            "amount": Decimal("300.00"),
            "currency": "CNY",
            "product": product,
            "quantity": 1,
        },
    )
    txn_services.transaction_approve(actor=reviewer, txn=txn_services.transaction_submit(actor=clerk, txn=txn))
    survey_round = _open(manager, target=70)
    _answer(clerk, _member(survey_round, a), 5, 4, 5)
    _answer(clerk, _member(survey_round, b), 2, 3, 1, comment="等待太久")

    report = analysis.analyse(survey_round)
    # 2 of 3 answered: 66.7 %, below the 70 % target.
    assert (report.response.asked, report.response.answered, report.response.rate) == (3, 2, Decimal("66.7"))
    assert report.below_target
    # Means: service (5+2)/2 = 3.50, price (4+3)/2 = 3.50, overall (5+1)/2 = 3.00.
    assert report.means == {"service_quality": Decimal("3.50"), "price": Decimal("3.50"), "overall": Decimal("3.00")}
    # Every answer's customer is the clerk's: one handler row, the same means.
    assert [(r["handler"], r["answers"], r["overall"]) for r in report.by_handler] == [
        (clerk.display_name, 2, Decimal("3.00"))
    ]
    # Only `a` bought the course: its row is a's answer alone.
    assert [(r["product"], r["answers"], r["service_quality"], r["overall"]) for r in report.by_product] == [
        ("理财课程", 1, Decimal("5.00"), Decimal("5.00"))
    ]
    # Low scores (any score at or below 2): b's answer only.
    assert [(r["archive_no"], r["overall"], r["comment"]) for r in report.low_scores] == [(b.archive_no, 1, "等待太久")]
    assert c.pk not in [m.customer_id for m in survey_round.members.filter(feedback__isnull=False)]


@pytest.mark.django_db
def test_the_trend_compares_with_the_departments_previous_closed_round(make_approved, clerk, manager):
    a = make_approved()
    first = _open(manager, title="上半年")
    _answer(clerk, _member(first, a), 3, 3, 2)
    services.survey_round_close(actor=manager, survey_round=first)
    second = _open(manager, title="下半年")
    _answer(clerk, _member(second, a), 5, 2, 4)

    report = analysis.analyse(second)
    assert report.previous == first
    assert report.trend == {"service_quality": Decimal("2.00"), "price": Decimal("-1.00"), "overall": Decimal("2.00")}


@pytest.mark.django_db
def test_no_answer_joins_a_closed_round_and_a_customer_answers_once(make_approved, clerk, manager):
    a, b = make_approved(), make_approved()
    survey_round = _open(manager)
    _answer(clerk, _member(survey_round, a), 4, 4, 4)
    with pytest.raises(ValidationError):
        _answer(clerk, _member(survey_round, a), 1, 1, 1)
    services.survey_round_close(actor=manager, survey_round=survey_round)
    with pytest.raises(PermissionDenied):
        _answer(clerk, _member(survey_round, b), 5, 5, 5)
    assert Feedback.objects.count() == 1


@pytest.mark.django_db
def test_a_rounds_approval_is_by_a_manager_of_higher_scope_only(
    make_approved, clerk, manager, second_manager, other_department_manager, head_manager
):
    a = make_approved()
    survey_round = _open(manager, target=50)
    _answer(clerk, _member(survey_round, a), 4, 4, 4)
    with pytest.raises(PermissionDenied):  # not before it is closed
        services.survey_round_approve(actor=head_manager, survey_round=survey_round)
    services.survey_round_close(actor=manager, survey_round=survey_round)

    with pytest.raises(ValidationError):  # the opener
        services.survey_round_approve(actor=manager, survey_round=survey_round)
    for same_or_beside in (second_manager, other_department_manager, clerk):
        with pytest.raises(PermissionDenied):
            services.survey_round_approve(actor=same_or_beside, survey_round=survey_round)
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.CLOSED

    approved = services.survey_round_approve(actor=head_manager, survey_round=survey_round, note="同意")
    assert (approved.status, approved.approved_by, approved.approval_note) == (
        RoundStatus.APPROVED,
        head_manager,
        "同意",
    )


@pytest.mark.django_db
def test_a_round_is_seen_by_its_department_and_the_departments_above_only(
    make_approved, manager, other_department_manager, head_manager, client
):
    make_approved()
    survey_round = _open(manager)
    url = reverse("outreach:round", args=[survey_round.pk])
    client.force_login(other_department_manager)
    assert client.get(url).status_code == 404
    client.force_login(head_manager)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_database_refuses_an_approval_by_the_opener(make_approved, manager):
    make_approved()
    survey_round = _open(manager)
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            status="approved", closed_at=now, approved_at=now, approved_by=manager
        )


@pytest.mark.django_db
def test_the_approval_page_is_refused_to_a_same_scope_manager_and_done_by_the_head(
    make_approved, clerk, manager, second_manager, head_manager, client
):
    a = make_approved()
    survey_round = _open(manager, target=10)
    _answer(clerk, _member(survey_round, a), 4, 4, 4)
    services.survey_round_close(actor=manager, survey_round=survey_round)
    url = reverse("outreach:round_approve", args=[survey_round.pk])

    client.force_login(second_manager)
    assert client.post(url).status_code == 302
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.CLOSED

    client.force_login(head_manager)
    assert (
        'data-testid="approve-round"' in client.get(reverse("outreach:round", args=[survey_round.pk])).content.decode()
    )
    client.post(url, {"note": "同意"})
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.APPROVED


@pytest.mark.django_db
def test_a_round_below_target_requires_corrective_actions_before_approval(make_approved, clerk, manager, head_manager):
    a, _b, _c = make_approved(), make_approved(), make_approved()
    survey_round = _open(manager, target=80)
    _answer(clerk, _member(survey_round, a), 3, 3, 3)
    services.survey_round_close(actor=manager, survey_round=survey_round)

    with pytest.raises(ValidationError, match="corrective|整改"):
        services.survey_round_approve(actor=head_manager, survey_round=survey_round)
    action = services.corrective_action_plan(
        actor=manager,
        survey_round=survey_round,
        fields={"description": "回访未答复客户", "owner": clerk, "due_on": timezone.localdate() + timedelta(days=14)},
    )
    approved = services.survey_round_approve(actor=head_manager, survey_round=survey_round)
    assert approved.status == RoundStatus.APPROVED
    assert list(selectors.actions_for(clerk)) == [action]


@pytest.mark.django_db
def test_corrective_actions_need_an_owner_of_the_department_and_a_due_date_not_past(
    make_approved, clerk, manager, other_department_manager
):
    make_approved()
    survey_round = _open(manager)
    with pytest.raises(PermissionDenied):  # only once the round is closed
        services.corrective_action_plan(
            actor=manager,
            survey_round=survey_round,
            fields={"description": "x", "owner": clerk, "due_on": timezone.localdate()},
        )
    services.survey_round_close(actor=manager, survey_round=survey_round)
    with pytest.raises(ValidationError):
        services.corrective_action_plan(
            actor=manager,
            survey_round=survey_round,
            fields={"description": "x", "owner": other_department_manager, "due_on": timezone.localdate()},
        )
    with pytest.raises(ValidationError):
        services.corrective_action_plan(
            actor=manager,
            survey_round=survey_round,
            fields={"description": "x", "owner": clerk, "due_on": timezone.localdate() - timedelta(days=1)},
        )


@pytest.mark.django_db
def test_my_work_follows_corrective_actions_and_flags_the_overdue(
    make_approved, clerk, manager, head_manager, django_assert_max_num_queries
):
    make_approved()
    survey_round = _open(manager, target=100)
    services.survey_round_close(actor=manager, survey_round=survey_round)
    action = services.corrective_action_plan(
        actor=manager,
        survey_round=survey_round,
        fields={"description": "培训话术", "owner": clerk, "due_on": timezone.localdate()},
    )
    type(action).objects.filter(pk=action.pk).update(due_on=date(2020, 1, 1))  # time passes

    with django_assert_max_num_queries(8):
        work = selectors.my_work(user=clerk)
    assert [a.pk for a in work["actions_due"]] == [action.pk]
    assert work["actions_due"][0].overdue
    assert [r.pk for r in selectors.my_work(user=head_manager)["rounds_to_approve"]] == [survey_round.pk]

    services.corrective_action_done(actor=clerk, action=action)
    assert selectors.my_work(user=clerk)["actions_due"] == []
