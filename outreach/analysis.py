"""A survey round's figures, derived from its rows (SPEC §3: derived figures are
computed, not stored): response rate, mean score per dimension, per handler (the
customer's owner) and per product (products the customer bought, approved
purchases), the trend against the department's previous round, and the low
scores. A fixed number of queries, whatever the round's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q

from accounts.models import User
from outreach.models import RoundMember, RoundStatus, SurveyRound
from transactions.models import Kind, Status, Transaction

DIMENSIONS = ("service_quality", "price", "overall")
LOW_SCORES_SHOWN = 100
TWO_PLACES = Decimal("0.01")


def _mean(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _means(rows: list[dict]) -> dict[str, Decimal | None]:
    if not rows:
        return dict.fromkeys(DIMENSIONS)
    return {d: _mean(Decimal(sum(r[d] for r in rows)) / len(rows)) for d in DIMENSIONS}


@dataclass
class Response:
    asked: int
    answered: int

    @property
    def rate(self) -> Decimal:
        """Answered as a percentage of those asked, to one decimal place."""
        if not self.asked:
            return Decimal("0.0")
        return (Decimal(self.answered * 100) / self.asked).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def response_of(survey_round: SurveyRound) -> Response:
    counts = RoundMember.objects.filter(round=survey_round).aggregate(
        asked=Count("id"), answered=Count("id", filter=Q(feedback__isnull=False))
    )
    return Response(counts["asked"], counts["answered"])


def below_target(survey_round: SurveyRound, response: Response | None = None) -> bool:
    response = response or response_of(survey_round)
    return response.rate < survey_round.target_rate


def dimension_means(survey_round: SurveyRound) -> dict[str, Decimal | None]:
    row = RoundMember.objects.filter(round=survey_round, feedback__isnull=False).aggregate(
        **{d: Avg(f"feedback__{d}") for d in DIMENSIONS}
    )
    return {d: _mean(row[d]) for d in DIMENSIONS}


@dataclass
class Analysis:
    response: Response
    means: dict[str, Decimal | None]
    by_handler: list[dict]
    by_product: list[dict]
    previous: SurveyRound | None
    previous_means: dict[str, Decimal | None]
    trend: dict[str, Decimal | None]
    low_scores: list[dict] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return self.response.rate < self.target

    target: int = 0


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The department's round opened last before this one and already closed."""
    return (
        SurveyRound.objects.filter(department_id=survey_round.department_id, opened_at__lt=survey_round.opened_at)
        .exclude(status=RoundStatus.OPEN)
        .exclude(pk=survey_round.pk)
        .order_by("-opened_at", "-id")
        .first()
    )


def analyse(survey_round: SurveyRound) -> Analysis:
    answered = list(
        RoundMember.objects.filter(round=survey_round, feedback__isnull=False).values(
            "customer_id",
            "customer__archive_no",
            "customer__owner_id",
            "feedback__comment",
            *(f"feedback__{d}" for d in DIMENSIONS),
        )
    )
    scores = [{**r, **{d: r[f"feedback__{d}"] for d in DIMENSIONS}} for r in answered]
    means = _means(scores)

    by_owner: dict[int, list[dict]] = defaultdict(list)
    for row in scores:
        by_owner[row["customer__owner_id"]].append(row)
    owners = User.objects.in_bulk(list(by_owner))
    by_handler = sorted(
        (
            {"handler": owners[pk].display_name if pk in owners else "—", "answers": len(rows), **_means(rows)}
            for pk, rows in by_owner.items()
        ),
        key=lambda r: (r["overall"] or 0, r["handler"]),
    )

    bought = (
        Transaction.objects.filter(
            customer_id__in=[r["customer_id"] for r in scores],
            status=Status.APPROVED,
            kind=Kind.PURCHASE,
            product__isnull=False,
        )
        .values_list("customer_id", "product__name")
        .distinct()
    )
    per_customer = {r["customer_id"]: r for r in scores}
    by_product_rows: dict[str, list[dict]] = defaultdict(list)
    for customer_id, product in bought:
        by_product_rows[product].append(per_customer[customer_id])
    by_product = sorted(
        ({"product": name, "answers": len(rows), **_means(rows)} for name, rows in by_product_rows.items()),
        key=lambda r: (r["overall"] or 0, r["product"]),
    )

    previous = previous_round(survey_round)
    previous_means = dimension_means(previous) if previous else dict.fromkeys(DIMENSIONS)
    trend = {
        d: (means[d] - previous_means[d]) if means[d] is not None and previous_means[d] is not None else None
        for d in DIMENSIONS
    }
    low = settings.CRM_SURVEY_LOW_SCORE
    low_scores = [
        {
            "customer_id": r["customer_id"],
            "archive_no": r["customer__archive_no"],
            "comment": r["feedback__comment"],
            **{d: r[d] for d in DIMENSIONS},
        }
        for r in scores
        if min(r[d] for d in DIMENSIONS) <= low
    ][:LOW_SCORES_SHOWN]
    return Analysis(
        response=Response(RoundMember.objects.filter(round=survey_round).count(), len(scores)),
        means=means,
        by_handler=by_handler,
        by_product=by_product,
        previous=previous,
        previous_means=previous_means,
        trend=trend,
        low_scores=low_scores,
        target=survey_round.target_rate,
    )
