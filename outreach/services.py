"""Every write to greetings, survey rounds and corrective actions."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer
from customers.models.choices import LifecycleStage, Status
from customers.selectors import department_members
from interactions.models import Direction, Feedback, InteractionKind
from interactions.services import feedback_record, interaction_log
from outreach import analysis, rights, selectors
from outreach.calendar import Occasion
from outreach.models import CorrectiveAction, GreetingSent, RoundMember, RoundStatus, SurveyRound

MEMBER_BATCH = 1000


@transaction.atomic
def greeting_send(*, actor: User, customer: Customer, occasion: str, on: date, channel: str) -> GreetingSent:
    """One click: the greeting is logged as a contact of kind greeting (so it is
    in the trail and on the customer's timeline) and leaves the owner's list."""
    # Row lock on the customer: the race is two clicks greeting the same occasion twice.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    rights.require(rights.may_greet(actor, customer), _("Only the customer's owner sends their greetings."))
    if not selectors.is_due(customer=customer, occasion=occasion, on=on):
        raise ValidationError(_("There is no such greeting due for this customer."), code="not_due")
    if GreetingSent.objects.filter(customer=customer, occasion=occasion, on=on).exists():
        raise ValidationError(_("This greeting was already sent."), code="already_sent")
    label = Occasion(occasion).label
    interaction = interaction_log(
        actor=actor,
        customer=customer,
        fields={
            "occurred_at": timezone.now(),
            "channel": channel,
            "direction": Direction.OUTBOUND,
            "kind": InteractionKind.GREETING,
            "summary": _("%(occasion)s greeting (%(on)s)") % {"occasion": label, "on": on.isoformat()},
        },
    )
    sent = GreetingSent(customer=customer, occasion=occasion, on=on, interaction=interaction)
    sent.full_clean()
    sent.save()
    return sent


def _population(department_id: int):
    """The department's active customers who may still be surveyed: approved
    records, not former customers, consent not withdrawn."""
    return (
        Customer.objects.filter(department_id=department_id, status=Status.APPROVED)
        .exclude(lifecycle_stage=LifecycleStage.FORMER)
        .exclude(selectors.no_marketing_filter())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def survey_round_open(*, actor: User, fields: Mapping[str, Any], rng: random.Random | None = None) -> SurveyRound:
    """A manager opens a round for their department: every active customer, or
    a random `sample_share` of them (at least one).

    The whole department goes in with one INSERT … SELECT (a department of
    100,000 is one statement, not 100,000 objects); a sample is drawn from the
    department's primary keys and written in batches."""
    rights.require(rights.may_open_round(actor), _("Only a department manager opens a survey round."))
    survey_round = SurveyRound(**fields, department_id=actor.department_id, opened_by=actor)
    population = _population(actor.department_id)
    share = survey_round.sample_share
    chosen = None
    if share is not None and Decimal(share) < 1:
        every = list(population)
        size = max(1, math.ceil(len(every) * Decimal(share))) if every else 0
        chosen = sorted((rng or random.SystemRandom()).sample(every, size))
    if not (population.exists() if chosen is None else chosen):
        raise ValidationError(_("The department has no active customer to survey."), code="empty_round")
    tracked_save(survey_round, actor=actor, reason=Reason.CREATED)
    if chosen is None:
        _members_insert_all(survey_round, population)
    else:
        RoundMember.objects.bulk_create(
            [RoundMember(round=survey_round, customer_id=pk) for pk in chosen], batch_size=MEMBER_BATCH
        )
    return survey_round


def _members_insert_all(survey_round: SurveyRound, population) -> None:
    sql, params = population.values(member_pk=F("pk")).query.sql_with_params()
    table = connection.ops.quote_name(RoundMember._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, customer_id) SELECT %s, p.member_pk FROM ({sql}) p",  # noqa: S608 — our own SQL
            [survey_round.pk, *params],
        )


def _locked(survey_round: SurveyRound) -> SurveyRound:
    return SurveyRound.objects.select_for_update().get(pk=survey_round.pk)


@transaction.atomic
def survey_answer_record(*, actor: User, member: RoundMember, fields: Mapping[str, Any]) -> Feedback:
    """Staff record a customer's answer: a survey (interactions), linked to the round."""
    # Row lock on the round: the race is an answer arriving while the round closes.
    survey_round = _locked(member.round)
    rights.require(rights.may_answer(actor, survey_round), _("Answers are recorded while the round is open."))
    member = RoundMember.objects.select_for_update().get(pk=member.pk)
    if member.feedback_id is not None:
        raise ValidationError(_("This customer's answer is already recorded."), code="already_answered")
    feedback = feedback_record(actor=actor, customer=member.customer, fields=fields)
    member.feedback = feedback
    member.save(update_fields=["feedback"])
    return feedback


@transaction.atomic
def survey_round_close(*, actor: User, survey_round: SurveyRound) -> SurveyRound:
    """No more answers: the figures are final and wait for approval."""
    survey_round = _locked(survey_round)
    rights.require(
        rights.may_close_round(actor, survey_round), _("Only a manager of the department closes an open round.")
    )
    survey_round.status, survey_round.closed_at = RoundStatus.CLOSED, timezone.now()
    tracked_save(survey_round, actor=actor, reason=Reason.MOVED, data={"old": RoundStatus.OPEN, "new": "closed"})
    return survey_round


@transaction.atomic
def survey_round_approve(*, actor: User, survey_round: SurveyRound, note: str = "") -> SurveyRound:
    """A manager of higher scope approves the analysis; a round below its target
    needs its corrective actions first."""
    survey_round = _locked(survey_round)
    if survey_round.opened_by_id == actor.pk:
        raise ValidationError(_("You opened this round: someone of higher scope approves it."), code="own_round")
    rights.require(
        rights.may_approve_round(actor, survey_round),
        _("Only a manager of a department above the round's approves its analysis, once it is closed."),
    )
    if analysis.below_target(survey_round) and not survey_round.actions.exists():
        raise ValidationError(
            _("The round fell short of its target response rate: plan corrective actions before approval."),
            code="actions_required",
        )
    survey_round.status = RoundStatus.APPROVED
    survey_round.approved_by, survey_round.approved_at = actor, timezone.now()
    survey_round.approval_note = (note or "").strip()[:500]
    tracked_save(survey_round, actor=actor, reason=Reason.APPROVED, note=survey_round.approval_note)
    return survey_round


@transaction.atomic
def corrective_action_plan(*, actor: User, survey_round: SurveyRound, fields: Mapping[str, Any]) -> CorrectiveAction:
    survey_round = _locked(survey_round)
    rights.require(
        rights.may_plan_actions(actor, survey_round),
        _("A manager of the department plans corrective actions once the round is closed."),
    )
    action = CorrectiveAction(**fields, round=survey_round, created_by=actor)
    if (
        action.owner_id
        and not department_members(department_id=survey_round.department_id).filter(pk=action.owner_id).exists()
    ):
        raise ValidationError({"owner": _("Choose an active clerk or manager of the department.")})
    if action.due_on and action.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    tracked_save(action, actor=actor, reason=Reason.CREATED)
    return action


@transaction.atomic
def corrective_action_done(*, actor: User, action: CorrectiveAction) -> CorrectiveAction:
    # Row lock: the race is the owner and a manager marking the action done at once.
    action = CorrectiveAction.objects.select_for_update(of=("self",)).select_related("round").get(pk=action.pk)
    rights.require(
        rights.may_finish_action(actor, action), _("Only the action's owner or a manager of the department does this.")
    )
    action.done_at = timezone.now()
    tracked_save(action, actor=actor, reason=Reason.FOLLOWED_UP)
    return action
