"""Each role's "my work": what waits for this user, panel by panel (issue 22 item 3).

A user sees the panels of every role they hold, decided by role rights (never a
role name): the clerk's entries, the manager's decisions, the reviewer's queue and
returns, the security officer's alerts and chain. Every panel shows its first
`PANEL_ROWS` rows and a bounded count (`core.pagination.CappedPaginator`: at most
`PANEL_CAP + 1` rows counted, "99+" beyond), so the page costs a fixed number of
queries whatever the size of the tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLog, AccessLogHead, AuditVerification
from audit.rights import reads_audit
from audit.selectors import access_log_entries
from core.pagination import CappedPaginator
from customers import selectors as customer_selectors
from customers.models import Customer
from interactions.selectors import complaint_queue, follow_ups_due
from lifecycle import rights as lifecycle_rights
from lifecycle.selectors import (
    bounded_count,
    destruction_due_for,
    destructions_to_approve_for,
    reverifications_due_for,
    samples_waiting_for,
    subject_requests_near_deadline_for,
)
from outreach import selectors as outreach_selectors
from review.models import Decision, ReviewDecision
from transactions.selectors import my_transactions, transaction_queue
from watch import selectors as watch_selectors

PANEL_ROWS = 10
PANEL_CAP = 99
CLERK_ROWS = 50  # the clerk's own lists, as before the move
ALERT_DAYS = 7
ALERT_ACTIONS = (
    AccessLog.Action.LOGIN_FAILED,
    AccessLog.Action.LOCKED_OUT,
    AccessLog.Action.REVEAL_REFUSED,
    AccessLog.Action.LOOKUP_REFUSED,
)


class _PanelPaginator(CappedPaginator):
    cap = PANEL_CAP


@dataclass
class Panel:
    """The head of one list and how many rows it has, bounded."""

    rows: list
    count: int | str

    def __bool__(self) -> bool:
        return bool(self.rows)


def panel(queryset: QuerySet, *, shown: int = PANEL_ROWS) -> Panel:
    """The first `shown` rows and a count up to `PANEL_CAP` ("99+" beyond): two queries."""
    paginator = _PanelPaginator(queryset, shown)
    rows = list(queryset[:shown])
    return Panel(rows=rows, count=f"{PANEL_CAP}+" if paginator.capped else paginator.count)


def is_clerk(user: User) -> bool:
    return user.has_role_permission("customers.add_customer")


def decides_entries(user: User) -> bool:
    return user.has_role_permission("customers.review_customer")


def is_manager(user: User) -> bool:
    return user.has_role_permission("customers.approve_grant") or user.has_role_permission(
        "customers.second_approve_customer"
    )


@dataclass
class DueNow:
    """The user's own follow-ups due and the complaints they handle."""

    follow_ups: list
    complaints: list

    @property
    def count(self) -> int:
        return len(self.follow_ups) + len(self.complaints)

    def __bool__(self) -> bool:
        return bool(self.follow_ups or self.complaints)


def due_now(*, user: User) -> DueNow:
    return DueNow(
        follow_ups=list(follow_ups_due(user=user)[:CLERK_ROWS]),
        complaints=list(complaint_queue(user=user).filter(handler=user)[:CLERK_ROWS]),
    )


@dataclass
class ClerkWork:
    """The maker's own entries: drafts and returns to finish, what waits for
    review, what was decided, their transactions and change requests."""

    to_correct: list
    waiting: list
    recent: list
    changes: list
    transactions: list
    decisions: dict = field(default_factory=dict)
    transaction_decisions: dict = field(default_factory=dict)


def clerk_work(*, user: User) -> ClerkWork:
    mine = customer_selectors.my_work(user=user)
    work = ClerkWork(
        to_correct=list(mine["to_correct"]),
        waiting=list(mine["waiting"]),
        recent=list(mine["recent"]),
        changes=list(mine["changes"]),
        transactions=list(my_transactions(user=user)[:CLERK_ROWS]),
    )
    work.decisions = customer_selectors.latest_decisions(work.to_correct + work.recent)
    work.transaction_decisions = customer_selectors.latest_decisions(work.transactions)
    return work


@dataclass
class ManagerWork:
    grants: Panel
    second_entries: Panel
    second_changes: Panel
    overdue: Panel


def manager_work(*, user: User) -> ManagerWork:
    """Access grants to decide, key customers and changes awaiting the second
    approval, and the department's overdue complaints."""
    return ManagerWork(
        grants=panel(customer_selectors.grants_to_decide(user=user)),
        second_entries=panel(customer_selectors.review_queue(user=user).filter(reviewed_by__isnull=False)),
        second_changes=panel(customer_selectors.change_queue(user=user).filter(reviewed_by__isnull=False)),
        overdue=panel(complaint_queue(user=user, overdue_only=True)),
    )


@dataclass
class ReviewerWork:
    entries: Panel
    changes: Panel
    transactions: Panel
    returns: list


def reviewer_work(*, user: User) -> ReviewerWork:
    """The head of each queue (oldest first) and the entries this reviewer
    returned lately, with where each one stands now."""
    return ReviewerWork(
        entries=panel(customer_selectors.review_queue(user=user).filter(reviewed_by__isnull=True)),
        changes=panel(customer_selectors.change_queue(user=user).filter(reviewed_by__isnull=True)),
        transactions=panel(transaction_queue(user=user)),
        returns=my_returns(user=user),
    )


@dataclass
class Returned:
    customer: Customer
    decision: ReviewDecision
    openable: bool  # a returned entry is its maker's until resubmitted (SPEC §2)


def my_returns(*, user: User, shown: int = PANEL_ROWS) -> list[Returned]:
    """Customers of the department this reviewer returned, newest return first,
    each once, with where each stands now; a link only where the reviewer may
    open the record again (resubmitted, or approved). Three queries."""
    decisions = (
        ReviewDecision.objects.filter(
            actor=user, decision=Decision.RETURNED, content_type=ContentType.objects.get_for_model(Customer)
        )
        .order_by("-at", "-id")
        .only("object_id", "at", "note")[: shown * 3]
    )
    latest: dict[int, ReviewDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.object_id, decision)
    keys = list(latest)[:shown]
    rows = Customer.objects.filter(pk__in=keys, department_id=user.department_id)
    rows = rows.only("archive_no", "name", "status", "tier")
    customers = {customer.pk: customer for customer in rows}
    openable = set(customer_selectors.customers_visible_to(user).filter(pk__in=keys).values_list("pk", flat=True))
    return [Returned(customers[pk], latest[pk], pk in openable) for pk in keys if pk in customers]


@dataclass
class SecurityWork:
    alerts: Panel
    last_check: AuditVerification | None
    entries: int
    destructions: Panel  # shown only when some wait


def security_work(*, user: User) -> SecurityWork:
    """Refused reveals and lookups, failed log-ins and lock-outs of the past week
    in the officer's scope; the last chain check and the chain's length; the
    destruction requests waiting for the officer's approval."""
    since = timezone.now() - timedelta(days=ALERT_DAYS)
    alerts = access_log_entries(reader=user).filter(action__in=ALERT_ACTIONS, at__gte=since)
    head = AccessLogHead.objects.filter(pk=1).only("count").first()
    return SecurityWork(
        alerts=panel(alerts),
        last_check=AuditVerification.objects.select_related("run_by").first(),
        entries=head.count if head else 0,
        destructions=panel(destructions_to_approve_for(user)),
    )


def lifecycle_work(*, user: User) -> dict:
    """What the record's life after approval asks of the user (the lifecycle app's
    partials `templates/lifecycle/_my_work_*.html` read these names)."""
    work: dict = {}
    if lifecycle_rights.may_use_reverify_queue(user):
        due = reverifications_due_for(user)
        work["reverifications_due"] = list(due[:PANEL_ROWS])
        work["reverifications_due_count"] = bounded_count(due) if work["reverifications_due"] else 0
    if lifecycle_rights.checks_samples(user):
        work["samples_waiting"] = list(samples_waiting_for(user)[:PANEL_ROWS])
    if lifecycle_rights.handles_subject_requests(user):
        work["subject_requests_near"] = list(subject_requests_near_deadline_for(user)[:PANEL_ROWS])
    if lifecycle_rights.sees_lifecycle(user) and not reads_audit(user):
        due = destruction_due_for(user)
        work["destruction_due"] = list(due[:PANEL_ROWS])
        work["destruction_due_count"] = bounded_count(due) if work["destruction_due"] else 0
    return work


def my_work_panels(*, user: User) -> dict:
    """The panels of every role the user holds, and what is due for themselves."""
    return {
        **lifecycle_work(user=user),
        **outreach_selectors.my_work(user=user),
        **watch_selectors.my_work(user=user),
        "today": timezone.localdate(),
        "due": due_now(user=user),
        "clerk": clerk_work(user=user) if is_clerk(user) else None,
        "manager": manager_work(user=user) if is_manager(user) else None,
        "reviewer": reviewer_work(user=user) if decides_entries(user) else None,
        "security": security_work(user=user) if reads_audit(user) else None,
        "now": timezone.now(),
    }
