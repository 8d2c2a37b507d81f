"""Reads of call and campaign lists: the customers a saved filter gives its
viewer — approved, within what the viewer may see, and never one who withdrew
consent or opted out of marketing."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from campaigns import rights
from campaigns.models import Completeness, SavedFilter
from customers.models import Customer, Status
from customers.selectors import customers_visible_to
from insight.listing import by_completeness, in_value_class
from interactions.services import no_marketing_checks
from lifecycle.models import SubjectRequest, SubjectRequestKind, SubjectRequestStatus
from lifecycle.selectors import consent_withdrawn

PAGE = 50
COUNT_CAP = 9999  # the list counts no further ("9999+")
MY_WORK_ROWS = 5

# The criteria a saved filter may hold, by field: each narrows the customer list.
CRITERIA = ("kind", "tier", "customer_nature", "enterprise_nature", "industry", "province", "city")


def _without_withdrawn_consent(rows: QuerySet[Customer]) -> QuerySet[Customer]:
    done = SubjectRequest.objects.filter(
        customer=OuterRef("pk"), kind=SubjectRequestKind.WITHDRAWAL, status=SubjectRequestStatus.DONE
    )
    return rows.exclude(Exists(done))


# The no-marketing registry (interactions) holds per-customer checks. Those whose
# query form is known here are applied in the database, so a list costs the same
# at any size; a check registered later without one is still honoured, row by
# row on the rows shown (`honour_no_marketing`).
IN_THE_DATABASE: dict[Callable[[Customer], bool], Callable[[QuerySet], QuerySet]] = {
    consent_withdrawn: _without_withdrawn_consent,
}


def saved_filters_for(user: User) -> QuerySet[SavedFilter]:
    if not rights.may_use_campaigns(user):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(owner=user).select_related("tag")


def campaign_customers(*, user: User, saved: SavedFilter) -> QuerySet[Customer]:
    """The customers `saved` gives `user`, archive number order."""
    if not rights.may_use_campaigns(user) or saved.owner_id != user.pk:
        return Customer.objects.none()
    rows = customers_visible_to(user).filter(status=Status.APPROVED)
    narrowed = {name: getattr(saved, name) for name in CRITERIA if getattr(saved, name)}
    rows = rows.filter(**narrowed)
    if saved.tag_id:
        rows = rows.filter(tags=saved.tag_id)
    if saved.value_class:
        rows = in_value_class(rows, saved.value_class)
    if saved.completeness:
        rows = by_completeness(rows, complete=saved.completeness == Completeness.COMPLETE)
    for check in no_marketing_checks():
        if check in IN_THE_DATABASE:
            rows = IN_THE_DATABASE[check](rows)
    return rows.select_related("owner").order_by("archive_no", "id")


def honour_no_marketing(rows: list[Customer]) -> list[Customer]:
    """The rows less those a registered check without a query form refuses."""
    others = [check for check in no_marketing_checks() if check not in IN_THE_DATABASE]
    return [row for row in rows if not any(check(row) for check in others)] if others else rows


def capped_count(rows: QuerySet[Customer], cap: int = COUNT_CAP) -> int:
    return len(rows.values_list("pk", flat=True)[: cap + 1])


def my_work(*, user: User) -> dict:
    """For "my work": the user's first saved filters (their lists a click away)."""
    filters = list(saved_filters_for(user)[: MY_WORK_ROWS + 1])
    return {"campaign_filters": filters[:MY_WORK_ROWS], "campaign_filters_more": len(filters) > MY_WORK_ROWS}
