"""Scorecards (issue 20 item 5): the quantity, quality and timeliness of each
clerk's and each reviewer's work, per month — worked out in the database.

A clerk's figures, for the month:
- entries: customers they submitted (the last submission of each falls in it);
- decisions on their entries (approvals and returns; a key customer's first of
  two approvals is not counted) and how many were returns: the return rate;
- second checks (sampling, lifecycle): their records checked in the month and
  how many were found wrong: the error rate;
- submission to decision: for their entries decided in the month, the hours
  from the (last) submission to the reviewer's decision, median and 90th
  percentile;
- contact to entry: for the contacts they logged in the month, the hours from
  when the contact happened to when it was entered, median and 90th percentile.
A reviewer's: the decisions they took and how many were returns; the second
checks of the records they approved and how many were wrong; the hours from
submission to their decision, median and 90th percentile.

Percentiles are nearest-rank (the median of four values is the second), picked
by a window function in the database: every figure is a GROUP BY or a ranked
pick, a fixed number of queries whatever the number of rows.

Two shapes: a department's people for one month (`department_month`), and one
person's last twelve months (`person_months`). Both read the same queries,
grouped by person or by month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from accounts.models import Role, User
from customers.models import Customer
from interactions.models import Interaction
from lifecycle.models import SampleCheck, SampleResult
from review.models import Decision, ReviewDecision

PERSON, MONTH = "person", "month"
MONTHS = 12  # a person's page: this many months back from the chosen one
PERCENTILES = (50, 90)


@dataclass
class Card:
    """One person's figures for one month (hours as floats, rates as shares)."""

    entries: int = 0
    decisions_on_entries: int = 0
    returned_entries: int = 0
    sampled: int = 0
    sampled_wrong: int = 0
    wait_median_hours: float | None = None
    wait_p90_hours: float | None = None
    contact_median_hours: float | None = None
    contact_p90_hours: float | None = None
    decisions: int = 0
    returns_made: int = 0
    checked_sampled: int = 0
    checked_wrong: int = 0
    decide_median_hours: float | None = None
    decide_p90_hours: float | None = None

    @property
    def return_rate(self) -> float | None:
        return self.returned_entries / self.decisions_on_entries if self.decisions_on_entries else None

    @property
    def error_rate(self) -> float | None:
        return self.sampled_wrong / self.sampled if self.sampled else None

    @property
    def reviewer_return_rate(self) -> float | None:
        return self.returns_made / self.decisions if self.decisions else None

    @property
    def checker_error_rate(self) -> float | None:
        return self.checked_wrong / self.checked_sampled if self.checked_sampled else None


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class _Scope:
    by: str
    start: datetime
    end: datetime
    person: int | None = None
    department: int | None = None

    def people(self, person_field: str) -> Q:
        if self.person is not None:
            return Q(**{person_field: self.person})
        return Q(**{f"{person_field}__department_id": self.department})

    def key(self, person_field: str, time_field: str):
        return F(person_field) if self.by == PERSON else TruncMonth(time_field)

    def within(self, time_field: str) -> Q:
        return Q(**{f"{time_field}__gte": self.start, f"{time_field}__lt": self.end})


def _month_key(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _grouped(scope: _Scope, rows: QuerySet, person_field: str, time_field: str, **aggregates) -> dict:
    rows = rows.filter(scope.within(time_field)).annotate(key=scope.key(person_field, time_field))
    return {r.pop("key"): r for r in rows.values("key").annotate(**aggregates).order_by()}


def _percentiles(scope: _Scope, rows: QuerySet, person_field: str, time_field: str, start: str, end: str) -> dict:
    """{key: {percentile: hours}}: the nearest-rank pick of each group (rank r of n
    is the p-th percentile when r ≥ p·n/100 > r − 1), every percentile from one
    pass over the rows: one query whatever PERCENTILES holds."""
    key = scope.key(person_field, time_field)
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    ranked = (
        rows.filter(scope.within(time_field), **{f"{start}__isnull": False, f"{end}__isnull": False})
        .annotate(key=key, took=took)
        .annotate(
            rank=Window(RowNumber(), partition_by=[key], order_by=[took.asc(), F("pk").asc()]),
            total=Window(Count("pk"), partition_by=[key]),
        )
        .annotate(at=F("rank") * 100, before=(F("rank") - 1) * 100)
    )
    bars = {f"bar{p}": F("total") * p for p in PERCENTILES}
    picked = Q()
    for bar in bars:
        picked |= Q(at__gte=F(bar), before__lt=F(bar))
    picks = ranked.annotate(**bars).filter(picked).order_by().values_list("key", "took", "rank", "total")
    found: dict = defaultdict(dict)
    for group, duration, rank, total in picks:
        for p in PERCENTILES:
            if rank * 100 >= total * p > (rank - 1) * 100:
                found[group][p] = round(duration.total_seconds() / 3600, 1)
    return found


def _collect(scope: _Scope) -> dict:
    customer_type = ContentType.objects.get_for_model(Customer)
    decided = ReviewDecision.objects.filter(
        content_type=customer_type, decision__in=(Decision.APPROVED, Decision.RETURNED)
    )
    returned = Count("pk", filter=Q(decision=Decision.RETURNED))
    makers = Customer.objects.filter(pk=OuterRef("object_id")).order_by().values("entered_by")[:1]
    on_entries = decided.annotate(maker=Subquery(makers)).filter(
        object_id__in=Customer.objects.filter(scope.people("entered_by")).values("pk")
    )
    checked = SampleCheck.objects.exclude(result=SampleResult.PENDING)
    wrong = Count("pk", filter=Q(result=SampleResult.WRONG))
    return {
        "entries": _grouped(
            scope, Customer.objects.filter(scope.people("entered_by")), "entered_by", "entered_at", n=Count("pk")
        ),
        "on_entries": _grouped(scope, on_entries, "maker", "at", n=Count("pk"), returned=returned),
        "maker_samples": _grouped(
            scope, checked.filter(scope.people("maker")), "maker", "checked_at", n=Count("pk"), wrong=wrong
        ),
        "waits": _percentiles(
            scope,
            Customer.objects.filter(scope.people("entered_by")),
            "entered_by",
            "reviewed_at",
            "entered_at",
            "reviewed_at",
        ),
        "contacts": _percentiles(
            scope,
            Interaction.objects.filter(scope.people("handler")),
            "handler",
            "created_at",
            "occurred_at",
            "created_at",
        ),
        "decisions": _grouped(
            scope, decided.filter(scope.people("actor")), "actor", "at", n=Count("pk"), returned=returned
        ),
        "checker_samples": _grouped(
            scope, checked.filter(scope.people("checker")), "checker", "checked_at", n=Count("pk"), wrong=wrong
        ),
        "decides": _percentiles(
            scope,
            Customer.objects.filter(scope.people("reviewed_by")),
            "reviewed_by",
            "reviewed_at",
            "entered_at",
            "reviewed_at",
        ),
    }


def _cards(figures: dict, normalise) -> dict:
    cards: dict = defaultdict(Card)

    def each(name: str):
        for key, value in figures[name].items():
            yield cards[normalise(key)], value

    for card, r in each("entries"):
        card.entries = r["n"]
    for card, r in each("on_entries"):
        card.decisions_on_entries, card.returned_entries = r["n"], r["returned"]
    for card, r in each("maker_samples"):
        card.sampled, card.sampled_wrong = r["n"], r["wrong"]
    for card, r in each("waits"):
        card.wait_median_hours, card.wait_p90_hours = r.get(50), r.get(90)
    for card, r in each("contacts"):
        card.contact_median_hours, card.contact_p90_hours = r.get(50), r.get(90)
    for card, r in each("decisions"):
        card.decisions, card.returns_made = r["n"], r["returned"]
    for card, r in each("checker_samples"):
        card.checked_sampled, card.checked_wrong = r["n"], r["wrong"]
    for card, r in each("decides"):
        card.decide_median_hours, card.decide_p90_hours = r.get(50), r.get(90)
    return cards


def department_month(*, department_id: int, month: date) -> list[tuple[User, Card]]:
    """The department's clerks and reviewers (and anyone of it with figures) for
    one month, by user name."""
    start = month_start(month)
    scope = _Scope(PERSON, _aware(start), _aware(next_month(start)), department=department_id)
    cards = _cards(_collect(scope), int)
    staff = User.objects.filter(
        Q(department_id=department_id, groups__name__in=(Role.CLERK, Role.REVIEWER)) | Q(pk__in=list(cards))
    )
    people = staff.distinct().order_by("username")
    return [(person, cards.get(person.pk, Card())) for person in people]


def person_months(*, person: User, month: date) -> list[tuple[date, Card]]:
    """One person's last `MONTHS` months up to `month`, newest first."""
    end = next_month(month_start(month))
    start = end
    for _step in range(MONTHS):
        start = month_start(start - timedelta(days=1))
    scope = _Scope(MONTH, _aware(start), _aware(end), person=person.pk)
    cards = _cards(_collect(scope), _month_key)
    months, cursor = [], month_start(month)
    for _step in range(MONTHS):
        months.append((cursor, cards.get(cursor, Card())))
        cursor = month_start(cursor - timedelta(days=1))
    return months
