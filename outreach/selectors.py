"""Reads that depend on who asks: the greetings due, the rounds, "my work"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, CharField, DateField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from customers.models import Customer
from customers.models.choices import Kind, Status
from customers.rights import may_hold_records
from customers.selectors import customers_visible_to
from interactions.models import Channel
from lifecycle.models import SubjectRequest, SubjectRequestKind, SubjectRequestStatus
from outreach import rights
from outreach.calendar import Occasion, holidays_between, month_days_between
from outreach.models import CorrectiveAction, GreetingSent, RoundMember, RoundStatus

MY_WORK_ROWS = 10
MY_WORK_CAP = 99


def greeting_window(today: date | None = None) -> tuple[date, date]:
    """From today to CRM_GREETING_DAYS_AHEAD days ahead, both included."""
    today = today or timezone.localdate()
    return today, today + timedelta(days=settings.CRM_GREETING_DAYS_AHEAD)


def no_marketing_filter() -> Exists:
    """Customers who withdrew consent (an answered withdrawal request): never
    greeted, never surveyed. The same rule as `lifecycle.selectors.consent_withdrawn`,
    as a filter on many rows at once."""
    return Exists(
        SubjectRequest.objects.filter(
            customer=OuterRef("pk"), kind=SubjectRequestKind.WITHDRAWAL, status=SubjectRequestStatus.DONE
        )
    )


def greetable(user: User) -> QuerySet[Customer]:
    """The user's own approved customers who still want to hear from us."""
    if not user.is_authenticated or user.department_id is None:
        return Customer.objects.none()
    return (
        Customer.objects.filter(owner=user, department_id=user.department_id, status=Status.APPROVED)
        .exclude(no_marketing_filter())
        .order_by()
    )


def _sent(occasion: str, **on) -> Exists:
    return Exists(GreetingSent.objects.filter(customer=OuterRef("pk"), occasion=occasion, **on))


def _personal(base: QuerySet, *, field: str, kind: str, occasion: str, start: date, end: date) -> QuerySet:
    days = month_days_between(start, end)
    matches = Q()
    whens = []
    for (month, day), celebrated in days.items():
        matches |= Q(**{f"{field}__month": month, f"{field}__day": day})
        whens.append(When(**{f"{field}__month": month, f"{field}__day": day}, then=Value(celebrated)))
    return (
        # Born (or founded) before the window: no greeting for a day not yet come round once.
        base.filter(matches, kind=kind, **{f"{field}__lt": start})
        .exclude(_sent(occasion, on__range=(start, end)))
        .annotate(occasion=Value(occasion, output_field=CharField()), on=Case(*whens, output_field=DateField()))
    )


FIELDS = ("id", "archive_no", "name", "kind", "occasion", "on")


def greetings_due(*, user: User, today: date | None = None) -> QuerySet:
    """Every greeting the user owes from today to CRM_GREETING_DAYS_AHEAD days
    ahead and has not sent, soonest first: birthdays of their individual
    customers, founding anniversaries of their organisations, and each holiday
    for each of their customers. One query (a UNION), however many customers."""
    start, end = greeting_window(today)
    base = greetable(user)
    parts = [
        _personal(base, field="birth_date", kind=Kind.INDIVIDUAL, occasion=Occasion.BIRTHDAY, start=start, end=end),
        _personal(
            base, field="founded_on", kind=Kind.ORGANIZATION, occasion=Occasion.ANNIVERSARY, start=start, end=end
        ),
    ]
    for holiday in holidays_between(start, end):
        parts.append(
            base.exclude(_sent(holiday.occasion, on=holiday.on)).annotate(
                occasion=Value(holiday.occasion, output_field=CharField()),
                on=Value(holiday.on, output_field=DateField()),
            )
        )
    rows = [part.values(*FIELDS) for part in parts]
    return rows[0].union(*rows[1:], all=True).order_by("on", "occasion", "id")


@dataclass(frozen=True)
class Greeting:
    customer_id: int
    archive_no: str
    name: str
    occasion: str
    on: date

    @property
    def label(self) -> str:
        return str(Occasion(self.occasion).label)


def as_greetings(rows) -> list[Greeting]:
    return [Greeting(r["id"], r["archive_no"], r["name"], r["occasion"], r["on"]) for r in rows]


def is_due(*, customer: Customer, occasion: str, on: date, today: date | None = None) -> bool:
    """Whether `occasion` on `on` is a greeting the customer is owed now (the
    service's check on a posted greeting)."""
    start, end = greeting_window(today)
    if not (start <= on <= end) or occasion not in Occasion.values:
        return False
    if occasion == Occasion.BIRTHDAY:
        born = customer.birth_date if customer.kind == Kind.INDIVIDUAL else None
    elif occasion == Occasion.ANNIVERSARY:
        born = customer.founded_on if customer.kind == Kind.ORGANIZATION else None
    else:
        return any(h.occasion == occasion and h.on == on for h in holidays_between(on, on))
    return born is not None and born < on and month_days_between(on, on).get((born.month, born.day)) == on


def actions_for(user: User) -> QuerySet[CorrectiveAction]:
    """The user's open corrective actions, soonest due first."""
    if not user.is_authenticated:
        return CorrectiveAction.objects.none()
    return (
        CorrectiveAction.objects.filter(owner=user, done_at__isnull=True)
        .select_related("round")
        .order_by("due_on", "id")
    )


def rounds_to_approve(user: User) -> QuerySet:
    """Closed rounds of the departments below the user's, waiting for their approval."""
    return (
        rights.rounds_visible_to(user)
        .filter(status=RoundStatus.CLOSED)
        .exclude(department_id=user.department_id)
        .exclude(opened_by=user)
        .select_related("department")
        .order_by("closed_at", "id")
    )


def _bounded(rows) -> int:
    return len(list(rows[: MY_WORK_CAP + 1]))


def my_work(*, user: User) -> dict:
    """What "my work" shows of outreach: greetings due, corrective actions
    (overdue flagged) and rounds waiting for the user's approval — each the
    first rows and a count up to 99, a fixed number of queries."""
    today = timezone.localdate()
    if not user.is_authenticated or not may_hold_records(user):
        return {
            "greetings_due": [],
            "greetings_due_count": 0,
            "actions_due": [],
            "actions_due_count": 0,
            "rounds_to_approve": [],
            "rounds_to_approve_count": 0,
            "today": today,
            "channels": Channel.choices,
        }
    greetings = greetings_due(user=user, today=today)
    actions = actions_for(user)
    approvals = rounds_to_approve(user) if user.has_role_permission("outreach.approve_round") else None
    return {
        "greetings_due": as_greetings(greetings[:MY_WORK_ROWS]),
        "greetings_due_count": _bounded(greetings),
        "actions_due": list(actions[:MY_WORK_ROWS]),
        "actions_due_count": _bounded(actions.values_list("pk", flat=True)),
        "rounds_to_approve": list(approvals[:MY_WORK_ROWS]) if approvals is not None else [],
        "rounds_to_approve_count": _bounded(approvals.values_list("pk", flat=True)) if approvals is not None else 0,
        "today": today,
        "channels": Channel.choices,
    }


def members_visible_to(user: User, survey_round) -> QuerySet[RoundMember]:
    """The round's customers the user may see (a clerk: their own)."""
    return (
        RoundMember.objects.filter(round=survey_round, customer__in=customers_visible_to(user).values("pk"))
        .select_related("customer", "feedback")
        .order_by("id")
    )


def answerable_members(user: User) -> QuerySet[RoundMember]:
    """Round members of the rounds the user sees whose customer the user sees."""
    return RoundMember.objects.filter(
        round__in=rights.rounds_visible_to(user).values("pk"), customer__in=customers_visible_to(user).values("pk")
    ).select_related("round", "customer")


def low_scores_visible_to(user: User, rows: list[dict]) -> list[dict]:
    """The analysis's low scores, the archive number hidden where the user may
    not see the customer (one query)."""
    ids = {r["customer_id"] for r in rows}
    visible = set(customers_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [r if r["customer_id"] in visible else {**r, "archive_no": "—", "comment": ""} for r in rows]
