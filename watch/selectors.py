"""Reads for the security officer's watch: the incident report of one account in
one window, the incidents and alerts in the officer's scope, and "my work".

The report counts what the access log and the change trail hold — reveals,
exact lookups, exports, refusals, log-ins and changes — per customer (archive
number and masked name) and per kind of field, never a value."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.models import AccessLog
from audit.rights import department_scope
from customers.models import Customer
from vault.masking import mask_text
from watch.models import Alert, AlertStatus, Incident, IncidentStatus
from watch.rights import watches

# The earliest day a window starts on: nothing is logged before it, and earlier
# dates (year 1) would not survive the conversion to UTC.
EARLIEST = date(1970, 1, 1)
SHOWN_CUSTOMERS = 200  # on the page and in the notice; the export carries all
PANEL_ROWS = 10
PANEL_CAP = 99
ID_CHUNK = 500

# The access-log actions a report counts per customer, in the order of its columns.
PER_CUSTOMER = (
    AccessLog.Action.REVEAL,
    AccessLog.Action.REVEAL_REFUSED,
    AccessLog.Action.EXPORT,
)


def window(since: date, until: date) -> tuple[datetime, datetime]:
    """The local days `since`..`until`, both whole, as aware datetimes. The
    edges are clamped, so year 1 and year 9999 make a window, not an overflow."""
    since = max(since, EARLIEST)
    until = max(until, since)
    return (
        timezone.make_aware(datetime.combine(since, time.min)),
        timezone.make_aware(datetime.combine(until, time.max)),
    )


def accounts_in_scope(user: User) -> QuerySet[User]:
    """The accounts a security officer watches: their department's, or every
    department's with the company-wide right."""
    accounts = User.objects.select_related("department").order_by("username")
    scope = department_scope(user)
    return accounts if scope is None else accounts.filter(department_id=scope)


@dataclass
class CustomerRow:
    customer_id: int | None
    archive_no: str
    masked_name: str
    counts: Counter = field(default_factory=Counter)  # access-log action (and "changed") → count
    fields: Counter = field(default_factory=Counter)  # field name → reveals
    fields_shown: list[tuple[str, int]] = field(default_factory=list)  # (field label, reveals), for the page

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count_of(self, action: str) -> int:
        return self.counts.get(action, 0)


@dataclass
class Report:
    account: User
    since: datetime
    until: datetime
    totals: list[tuple[str, int]]  # (action label, count), every action the account took
    counts: Counter  # the same by action code
    customers: list[CustomerRow]  # the most touched first
    by_field: list[tuple[str, str, int]]  # (action label, field label, count)
    lookups_matched: int
    exports: list[tuple[str, str, int, int]]  # (what, format, times, rows)
    changed: int  # versions of customer records the account wrote

    @property
    def customers_shown(self) -> list[CustomerRow]:
        return self.customers[:SHOWN_CUSTOMERS]

    @property
    def customers_more(self) -> int:
        return max(0, len(self.customers) - SHOWN_CUSTOMERS)

    @property
    def field_kinds(self) -> list[str]:
        """The kinds of information the account reached, by label."""
        return sorted({label for _action, label, _n in self.by_field if label})


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    actions = {str(value): str(label) for value, label in AccessLog.Action.choices}
    fields = {f.name: str(f.verbose_name) for f in Customer._meta.fields}
    return actions, fields


def _names(ids: list[int]) -> dict[int, str]:
    """Masked names of these customers (a destroyed one has none left)."""
    names: dict[int, str] = {}
    for start in range(0, len(ids), ID_CHUNK):
        rows = Customer.objects.filter(pk__in=ids[start : start + ID_CHUNK]).values_list("pk", "name")
        names.update((pk, mask_text(name)) for pk, name in rows)
    return names


def incident_report(*, account: User, since: datetime, until: datetime) -> Report:
    """What `account` did between `since` and `until` (inclusive), counted: a
    fixed number of queries whatever the window."""
    action_labels, field_labels = _labels()
    entries = AccessLog.objects.filter(actor_id=account.pk, at__gte=since, at__lte=until)
    grouped = list(
        entries.values("action", "customer_id", "customer_archive_no", "field").annotate(n=Count("id")).order_by()
    )
    totals: Counter = Counter()
    by_field: Counter = Counter()
    customers: dict[tuple, CustomerRow] = {}
    for row in grouped:
        totals[row["action"]] += row["n"]
        if row["field"]:
            by_field[(row["action"], row["field"])] += row["n"]
        if row["customer_id"] is not None or row["customer_archive_no"]:
            key = (row["customer_id"], row["customer_archive_no"])
            line = customers.setdefault(key, CustomerRow(row["customer_id"], row["customer_archive_no"], ""))
            line.counts[row["action"]] += row["n"]
            if row["action"] == AccessLog.Action.REVEAL and row["field"]:
                line.fields[row["field"]] += row["n"]
    history = Customer.history.model
    changes = (
        history.objects.filter(history_user_id=account.pk, history_date__gte=since, history_date__lte=until)
        .values("id", "archive_no")
        .annotate(n=Count("history_id"))
        .order_by()
    )
    changed = 0
    for row in changes:
        line = customers.setdefault((row["id"], row["archive_no"]), CustomerRow(row["id"], row["archive_no"], ""))
        line.counts["changed"] += row["n"]
        changed += row["n"]
    names = _names(sorted({key[0] for key in customers if key[0] is not None}))
    for line in customers.values():
        line.masked_name = names.get(line.customer_id, "")
        line.fields_shown = [(field_labels.get(name, name), n) for name, n in sorted(line.fields.items())]
    matched, exports = _lookups_and_exports(entries)
    return Report(
        account=account,
        since=since,
        until=until,
        totals=sorted(((action_labels.get(a, a), n) for a, n in totals.items()), key=lambda t: -t[1]),
        counts=totals,
        customers=sorted(customers.values(), key=lambda line: (-line.total, line.archive_no)),
        by_field=sorted(
            ((action_labels.get(a, a), field_labels.get(f, f), n) for (a, f), n in by_field.items()),
            key=lambda t: -t[2],
        ),
        lookups_matched=matched,
        exports=exports,
        changed=changed,
    )


def _lookups_and_exports(entries: QuerySet[AccessLog]) -> tuple[int, list[tuple[str, str, int, int]]]:
    """Rows the lookups matched, and each kind of export with its rows (from the
    entries' details, read in chunks: memory stays flat)."""
    matched = 0
    exports: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = entries.filter(action__in=(AccessLog.Action.LOOKUP, AccessLog.Action.EXPORT)).values_list("action", "detail")
    for action, detail in rows.iterator(chunk_size=2000):
        detail = detail if isinstance(detail, dict) else {}
        count = detail.get("matched" if action == AccessLog.Action.LOOKUP else "rows")
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        if action == AccessLog.Action.LOOKUP:
            matched += count
        else:
            line = exports[(str(detail.get("what", "")), str(detail.get("format", "")))]
            line[0] += 1
            line[1] += count
    return matched, sorted(((w, f, n, r) for (w, f), (n, r) in exports.items()), key=lambda t: -t[2])


def report_rows(report: Report) -> list[list[object]]:
    """The report as one table for the CSV/XLSX export: every customer, no value."""
    action_labels, field_labels = _labels()
    rows: list[list[object]] = [["section", "customer", "name", "what", "count", "rows"]]
    rows += [["summary", "", "", label, n, ""] for label, n in report.totals]
    for line in report.customers:
        for action, n in sorted(line.counts.items()):
            rows.append(["customer", line.archive_no, line.masked_name, action_labels.get(action, action), n, ""])
        for name, n in sorted(line.fields.items()):
            rows.append(["customer_field", line.archive_no, line.masked_name, field_labels.get(name, name), n, ""])
    rows += [["field", "", "", f"{action}: {label}", n, ""] for action, label, n in report.by_field]
    rows.append(["lookups_matched", "", "", "", report.lookups_matched, ""])
    rows += [["export", "", "", f"{what} {fmt}".strip(), n, r] for what, fmt, n, r in report.exports]
    return rows


def incidents_for(user: User) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("account", "opened_by", "department")
    scope = department_scope(user)
    return incidents if scope is None else incidents.filter(department_id=scope)


def alerts_for(user: User) -> QuerySet[Alert]:
    alerts = Alert.objects.select_related("account", "department", "acknowledged_by")
    scope = department_scope(user)
    return alerts if scope is None else alerts.filter(department_id=scope)


def _bounded_count(queryset: QuerySet) -> int | str:
    found = len(queryset.values_list("pk", flat=True)[: PANEL_CAP + 1])
    return f"{PANEL_CAP}+" if found > PANEL_CAP else found


def my_work(*, user: User) -> dict:
    """The security officer's open alerts and open incidents (first rows and a
    bounded count each: four queries). Empty for anyone who does not watch."""
    if not watches(user):
        return {}
    alerts = alerts_for(user).filter(status=AlertStatus.OPEN)
    incidents = incidents_for(user).exclude(status=IncidentStatus.CLOSED)
    return {
        "watch_alerts": list(alerts[:PANEL_ROWS]),
        "watch_alerts_count": _bounded_count(alerts),
        "watch_incidents": list(incidents[:PANEL_ROWS]),
        "watch_incidents_count": _bounded_count(incidents),
    }
