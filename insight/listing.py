"""What insight adds to the customer list (customers.listing, filled in `ready()`):
filters by value class and "incomplete", sorts by the scores, and two columns.

Every option joins the current snapshot's row of each customer (on
`insight_score_per_customer`, the snapshot chosen by a subquery in the join's
condition), so it costs no query of its own and the same number of queries at
any size. Customers new since the snapshot have no row: they fall out of a
filter and of a sort by a score (the list says so under the table)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, FilteredRelation, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from customers.listing import ListColumn, ListOption, column_register, filter_register, sort_register
from insight.models import CustomerScore, Snapshot, SnapshotStatus, ValueClass

SCORE = "insight_score"


def _current() -> Subquery:
    return Subquery(Snapshot.objects.filter(status=SnapshotStatus.CURRENT).values("pk")[:1])


def _scored(customers: QuerySet) -> QuerySet:
    if SCORE in customers.query.annotations or SCORE in customers.query._filtered_relations:
        return customers
    relation = FilteredRelation("insight_scores", condition=Q(insight_scores__snapshot_id=_current()))
    return customers.annotate(**{SCORE: relation})


def _class_filter(value_class: str):
    return lambda customers: _scored(customers).filter(**{f"{SCORE}__value_class": value_class})


def _incomplete(customers: QuerySet) -> QuerySet:
    return _scored(customers).filter(**{f"{SCORE}__completeness__lt": settings.CRM_COMPLETENESS_THRESHOLD})


def in_value_class(customers: QuerySet, value_class: str) -> QuerySet:
    """`customers` of that value class in the current snapshot (campaign lists use it)."""
    return _class_filter(value_class)(customers)


def by_completeness(customers: QuerySet, *, complete: bool) -> QuerySet:
    """`customers` at or above (`complete`) or below the completeness threshold in the current snapshot."""
    if not complete:
        return _incomplete(customers)
    return _scored(customers).filter(**{f"{SCORE}__completeness__gte": settings.CRM_COMPLETENESS_THRESHOLD})


def _sorted_by(field: str, *, descending: bool = True):
    """The scored records in the order of a score, ties newest first: the order of
    the score's own index (`insight_score_*_order_idx`), so PostgreSQL walks it and
    stops after a page instead of sorting a department of 100,000. A record new
    since the snapshot has no score to be placed by: as with the filters, it is
    not in this order (the page says so; the default order lists it)."""

    def apply(customers: QuerySet) -> QuerySet:
        key = F(f"{SCORE}__{field}")
        scored = _scored(customers).filter(**{f"{SCORE}__snapshot_id__isnull": False})
        return scored.order_by(key.desc() if descending else key.asc(), F(f"{SCORE}__customer_id").desc())

    return apply


def _value_and_completeness(pks: list[int]) -> dict[int, str]:
    """One query for the page: "Key · 85%" per customer of the current snapshot."""
    rows = CustomerScore.objects.filter(snapshot__status=SnapshotStatus.CURRENT, customer_id__in=pks).values_list(
        "customer_id", "value_class", "completeness"
    )
    return {
        pk: " · ".join(filter(None, [_class_label(value_class), f"{complete}%"])) for pk, value_class, complete in rows
    }


def _class_label(value: str) -> str:
    return str(ValueClass(value).label) if value in ValueClass.values else ""


UNSCORED = _(
    "Records entered since the last value snapshot have no figures yet and are not listed here; "
    "the list without this choice shows them."
)


def register() -> None:
    for value_class in ValueClass:
        filter_register(
            ListOption(f"value-{value_class.value}", value_class.label, _class_filter(value_class.value), UNSCORED)
        )
    filter_register(ListOption("incomplete", _("Incomplete records"), _incomplete, UNSCORED))
    sort_register(ListOption("value", _("Value, highest first"), _sorted_by("value_score"), UNSCORED))
    sort_register(ListOption("potential", _("Potential, highest first"), _sorted_by("potential_score"), UNSCORED))
    sort_register(ListOption("loyalty", _("Loyalty, highest first"), _sorted_by("loyalty_score"), UNSCORED))
    sort_register(
        ListOption(
            "completeness", _("Completeness, lowest first"), _sorted_by("completeness", descending=False), UNSCORED
        )
    )
    column_register(ListColumn("insight", _("Value class · completeness"), _value_and_completeness))
