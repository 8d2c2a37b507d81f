"""Reads of interactions, complaints and surveys that depend on who asks, and
the customer's merged timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import User
from customers.models import Customer
from customers.rights import may_hold_records
from customers.selectors import visible_with_customer
from interactions.models import UNRESOLVED, Complaint, Feedback, Interaction
from transactions.models import Transaction


def _with_handled(user: User, rows: QuerySet) -> QuerySet:
    """Whoever may see the customer sees its rows; so does the handler a manager
    gave a row to, while they still work on the department's records."""
    visible = visible_with_customer(user, rows)
    if user.is_authenticated and may_hold_records(user):
        visible = visible | rows.filter(handler=user, department_id=user.department_id)
    return visible


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return _with_handled(user, Interaction.objects.all())


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    return _with_handled(user, Complaint.objects.all())


def surveys_visible_to(user: User) -> QuerySet[Feedback]:
    return visible_with_customer(user, Feedback.objects.all())


def complaint_queue(*, user: User, overdue_only: bool = False, now: datetime | None = None) -> QuerySet[Complaint]:
    """Unresolved complaints the user may see, by due time: overdue ones first."""
    rows = (
        complaints_visible_to(user)
        .filter(status__in=UNRESOLVED)
        .select_related("customer", "handler")
        .order_by("due_at", "id")
    )
    if overdue_only:
        rows = rows.filter(due_at__lt=now or timezone.now())
    return rows


def follow_ups_due(*, user: User, now: datetime | None = None) -> QuerySet[Interaction]:
    """The user's follow-ups whose time has come and that are not done."""
    return (
        Interaction.objects.filter(
            handler=user,
            department_id=user.department_id,
            follow_up_at__isnull=False,
            followed_up_at__isnull=True,
            follow_up_at__lte=now or timezone.now(),
        )
        .select_related("customer")
        .order_by("follow_up_at")
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""


TIMELINE_LENGTH = 50


def customer_timeline(*, customer: Customer, trail: list, decisions) -> list[Event]:
    """Everything that happened to the customer, newest first: its change trail,
    review decisions, transactions, contacts, complaints and surveys. One query per
    kind, each limited, so the page costs the same however much history there is."""
    n = TIMELINE_LENGTH
    events = [
        Event(entry.when, str(_("Record")), str(entry.kind), entry.reason or "", "#history") for entry in trail[:n]
    ]
    events += [
        Event(d.at, str(_("Review")), str(d.get_decision_display()), f"{d.actor.display_name} {d.note}".strip())
        for d in decisions[:n]
    ]
    for txn in Transaction.objects.filter(customer=customer).order_by("-occurred_at", "-id")[:n]:
        events.append(
            Event(
                txn.occurred_at,
                str(_("Transaction")),
                f"{txn.get_kind_display()} {txn.amount:,.2f} {txn.currency}",
                str(txn.get_status_display()),
                reverse("transactions:detail", args=[txn.pk]),
            )
        )
    for item in customer.interactions.select_related("handler").order_by("-occurred_at", "-id")[:n]:
        events.append(
            Event(
                item.occurred_at,
                str(pgettext("timeline", "Contact")),
                f"{item.get_channel_display()} · {item.summary}",
                item.handler.display_name,
                reverse("interactions:interaction", args=[item.pk]),
            )
        )
    for complaint in customer.complaints.order_by("-received_at", "-id")[:n]:
        events.append(
            Event(
                complaint.received_at,
                str(_("Complaint")),
                f"{complaint.number} {complaint.get_category_display()} · {complaint.get_severity_display()}",
                str(complaint.get_status_display()),
                reverse("interactions:complaint", args=[complaint.pk]),
            )
        )
    for survey in customer.surveys.order_by("-surveyed_at", "-id")[:n]:
        events.append(
            Event(
                survey.surveyed_at,
                str(_("Satisfaction survey")),
                _("Overall %(overall)s/5") % {"overall": survey.overall},
                survey.comment[:80],
            )
        )
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:n]


@dataclass
class Service:
    """What the customer page shows of contacts, complaints and surveys."""

    interactions: list
    complaints: list
    surveys: list


def customer_service(*, customer: Customer) -> Service:
    return Service(
        interactions=list(customer.interactions.select_related("handler").order_by("-occurred_at", "-id")[:20]),
        complaints=list(customer.complaints.order_by("-received_at", "-id")[:20]),
        surveys=list(customer.surveys.order_by("-surveyed_at", "-id")[:20]),
    )
