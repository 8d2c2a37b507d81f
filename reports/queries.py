"""The figures of each report, aggregated in the database: a bounded number of
queries whatever the size of the tables, each filtered by the departments the
viewer may see and the chosen date range."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Avg, Case, Count, DecimalField, F, Min, Q, Sum, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Department, User
from customers.models import Customer, Status
from insight.models import DepartmentFigures, SnapshotStatus
from interactions.models import UNRESOLVED, Complaint, Feedback
from lifecycle.selectors import sample_error_rates
from reports.models import (
    CustomerApprovedDay,
    CustomerFigures,
    CustomerGross,
    CustomerVerifiedDay,
    EntryDay,
    ReturnDay,
    TransactionDay,
)
from review.models import Decision, ReviewDecision
from transactions.models import REVERSING, Product, Transaction
from transactions.models import Status as TxnStatus


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: bool = False  # draw the first numeric column as bars


@dataclass
class Filters:
    departments: list[int]
    since: date
    until: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


def _choices(model, name: str) -> dict:
    return dict(model._meta.get_field(name).flatchoices)


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _counted(counter: Counter, name: str, model) -> Table:
    """`_by`'s table from counts already made: most frequent first, then by value."""
    labels = _choices(model, name)
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    return Table(
        _label(model, name),
        [_label(model, name), _("Count")],
        [[str(labels.get(value, value or "—")), n] for value, n in rows],
        chart=True,
    )


def _days(duration) -> float | None:
    if duration is None:
        return None
    return round(duration.total_seconds() / 86400, 1)


CUSTOMER_FIGURES = ("status", "tier", "kind", "customer_nature", "source_channel")


def customers(f: Filters) -> list[Table]:
    """The customer report from the summaries the database keeps
    (`reports.summaries`): a few hundred rows per department, whatever the number
    of customers."""
    groups = (
        CustomerFigures.objects.filter(department_id__in=f.departments, n__gt=0)
        .values("department_id", *CUSTOMER_FIGURES, "n")
        .order_by()
    )
    counts = {name: Counter() for name in (*CUSTOMER_FIGURES, "department_id")}
    for group in groups:
        for name, counter in counts.items():
            counter[group[name]] += group["n"]
    tables = [_counted(counts[name], name, Customer) for name in CUSTOMER_FIGURES]
    names = dict(Department.objects.filter(pk__in=list(counts["department_id"])).values_list("pk", "name"))
    tables.append(
        Table(
            _("Customers per department"),
            [_("Department"), _("Count")],
            sorted([names[pk], n] for pk, n in counts["department_id"].items()),
            chart=True,
        )
    )
    days = CustomerApprovedDay.objects.filter(
        department_id__in=f.departments, day__gte=f.since, day__lte=f.until, n__gt=0
    ).values_list("day", "n")
    weeks: Counter = Counter()
    for day, n in days:
        weeks[day - timedelta(days=day.weekday())] += n
    tables.append(
        Table(
            _("New approvals per week"),
            [_("Week of"), _("Approved")],
            [[week.isoformat(), n] for week, n in sorted(weeks.items())],
            chart=True,
        )
    )
    # Due: approved, contact details last verified before the local day that lies
    # CRM_REVERIFY_AFTER_DAYS days back (counted by whole days).
    stale = timezone.localdate() - timedelta(days=settings.CRM_REVERIFY_AFTER_DAYS)
    due = CustomerVerifiedDay.objects.filter(department_id__in=f.departments, day__lt=stale).aggregate(
        due=Coalesce(Sum("n"), 0)
    )["due"]
    tables.append(Table(_("Re-verification"), [_("Figure"), _("Count")], [[_("Records due for re-verification"), due]]))
    tables.append(_completeness(f, names))
    return tables


def _completeness(f: Filters, names: dict[int, str]) -> Table:
    """Each department's completeness and value classes in the current snapshot of
    `insight` (its date in the title): one row per department, read, never computed here."""
    current = DepartmentFigures.objects.filter(snapshot__status=SnapshotStatus.CURRENT, department_id__in=f.departments)
    rows = list(current.select_related("snapshot"))
    taken = rows[0].snapshot.taken_on.isoformat() if rows else "—"
    if rows and not names.keys() >= {r.department_id for r in rows}:
        names = dict(Department.objects.filter(pk__in=[r.department_id for r in rows]).values_list("pk", "name"))
    return Table(
        _("Completeness and value classes (snapshot of %(date)s)") % {"date": taken},
        [
            _("Department"),
            _("Average completeness"),
            _("Basic facts"),
            _("Transactions"),
            _("Contacts"),
            _("Incomplete records"),
            pgettext("value class", "Key"),
            pgettext("value class", "General"),
            pgettext("value class", "Occasional"),
        ],
        [
            [
                names.get(r.department_id, "—"),
                f"{r.completeness:.0f}%",
                f"{r.basic:.0f}%",
                f"{r.business:.0f}%",
                f"{r.contacts:.0f}%",
                r.incomplete,
                r.key_customers,
                r.general_customers,
                r.occasional_customers,
            ]
            for r in sorted(rows, key=lambda r: names.get(r.department_id, ""))
        ],
    )


def quality(f: Filters) -> list[Table]:
    """Entry work per clerk and per reviewer from the entries' summary
    (`EntryDay`), returns per maker from the returns' (`ReturnDay`), both kept by
    the database; the most-returned fields and the queue from the rows (the
    returns of the range and the pending entries, each on its index)."""
    customer_type = ContentType.objects.get_for_model(Customer)
    returns = ReviewDecision.objects.filter(
        content_type=customer_type,
        decision=Decision.RETURNED,
        at__gte=f.start,
        at__lt=f.end,
        object_id__in=Customer.objects.filter(department__in=f.departments).values("pk"),
    )
    in_range = {"department_id__in": f.departments, "day__gte": f.since, "day__lte": f.until, "n__gt": 0}
    returned_by_maker = Counter(
        dict(ReturnDay.objects.filter(**in_range).values_list("maker_id").annotate(t=Sum("n")).order_by())
    )
    entries = list(
        EntryDay.objects.filter(**in_range).values_list(
            "entered_by_id", "reviewed_by_id", "n", "decided", "wait_seconds"
        )
    )
    makers: dict[int, list] = defaultdict(lambda: [0, 0, 0.0])
    checkers: dict[int, list] = defaultdict(lambda: [0, 0.0])
    for maker, checker, n, decided, wait in entries:
        makers[maker][0] += n
        makers[maker][1] += decided
        makers[maker][2] += wait
        if decided:
            checkers[checker][0] += decided
            checkers[checker][1] += wait
    people = User.objects.in_bulk([*makers, *checkers])

    def who(pk) -> str:
        user = people.get(pk)
        return f"{user.last_name}{user.first_name} ({user.username})" if user else "—"

    per_clerk = Table(
        _("Entry work per clerk"),
        [_("Clerk"), _("Entries submitted"), _("Returned"), _("Returned rate"), _("Days to a decision (average)")],
    )

    def username(pk) -> str:
        return people[pk].username if pk in people else ""

    for pk, (n, decided, wait) in sorted(makers.items(), key=lambda kv: (-kv[1][0], username(kv[0]))):
        back = returned_by_maker.get(pk, 0)
        per_clerk.rows.append(
            [
                who(pk),
                n,
                back,
                f"{back / n:.0%}" if n else "—",
                _days(timedelta(seconds=wait / decided)) if decided else None,
            ]
        )
    names = {f.name for f in Customer._meta.fields if f.editable}
    counts = {name: n for name, n in _returned_fields(returns) if name in names}
    fields = Table(
        _("Most-returned fields"),
        [_("Field"), _("Times returned")],
        [[_label(Customer, n), c] for n, c in sorted(counts.items(), key=lambda kv: -kv[1]) if c][:10],
        chart=True,
    )
    per_reviewer = Table(
        _("Review per reviewer"),
        [_("Reviewer"), _("Decisions"), _("Days to decide (average)")],
        [
            [who(pk), n, _days(timedelta(seconds=wait / n))]
            for pk, (n, wait) in sorted(checkers.items(), key=lambda kv: (-kv[1][0], username(kv[0])))
        ],
    )
    pending = Customer.objects.filter(department__in=f.departments, status=Status.PENDING)
    count = pending.count()
    oldest = pending.aggregate(oldest=Min("entered_at"))["oldest"]
    median = pending.order_by("entered_at").values_list("entered_at", flat=True)[count // 2] if count else None
    now = timezone.now()
    queue = Table(
        _("The review queue now"),
        [_("Figure"), _("Value")],
        [
            [_("Entries waiting"), count],
            [_("Oldest waits (days)"), _days(now - oldest) if oldest else "—"],
            [_("Median wait (days)"), _days(now - median) if median else "—"],
        ],
    )
    return [per_clerk, fields, per_reviewer, queue, *second_checks(f)]


def _returned_fields(returns) -> list[tuple[str, int]]:
    """How often each field was named in `returns`' reasons: the keys each return
    carries, counted by the database (a handful per return) — not one test per
    field of the model on every return."""
    sql, params = returns.values("pk").query.sql_with_params()
    keys = "jsonb_object_keys(d.field_reasons)" if connection.vendor == "postgresql" else "json_each(d.field_reasons)"
    key = "k.k" if connection.vendor == "postgresql" else "k.key"
    alias = "k(k)" if connection.vendor == "postgresql" else "k"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, COUNT(*) FROM {ReviewDecision._meta.db_table} d CROSS JOIN {keys} AS {alias} "  # noqa: S608 — our SQL
            f"WHERE d.id IN ({sql}) GROUP BY {key}",
            params,
        )
        return cursor.fetchall()


def second_checks(f: Filters) -> list[Table]:
    """Sampled approvals checked a second time (lifecycle): the error rate per clerk
    (maker) and per reviewer (first checker), by when the second check was made."""
    rates = sample_error_rates(department_ids=f.departments, since=f.start, until=f.end)
    titles = {"maker": _("Second checks: errors per clerk"), "checker": _("Second checks: errors per reviewer")}
    columns = [_("Name"), _("Records checked"), _("Found wrong"), _("Error rate")]
    return [
        Table(
            titles[role],
            columns,
            [[f"{r['name']} ({r['username']})", r["checked"], r["wrong"], f"{r['rate']:.0%}"] for r in rows],
        )
        for role, rows in rates.items()
    ]


def _signed():
    return Case(
        When(kind__in=REVERSING, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def transactions(f: Filters) -> list[Table]:
    approved = Transaction.objects.filter(
        department__in=f.departments, status=TxnStatus.APPROVED, occurred_at__gte=f.start, occurred_at__lt=f.end
    )
    kinds = _choices(Transaction, "kind")
    # The monthly, net, product and payment-method tables from the summary the
    # database keeps per day (`reports.summaries`), added up per table here.
    groups = TransactionDay.objects.filter(
        department_id__in=f.departments, day__gte=f.since, day__lte=f.until, n__gt=0
    ).values_list("day", "kind", "payment_method", "product_id", "n", "total")
    per_month: dict = defaultdict(lambda: [0, Decimal("0")])
    net_per_month: dict = defaultdict(lambda: Decimal("0"))
    per_product: dict = defaultdict(lambda: Decimal("0"))
    per_method: dict = defaultdict(lambda: [0, Decimal("0")])
    for day, kind, method, product, n, total in groups:
        month = day.replace(day=1)
        signed = -total if kind in REVERSING else total
        per_month[month, kind][0] += n
        per_month[month, kind][1] += total
        net_per_month[month] += signed
        if product:
            per_product[product] += signed
        per_method[method][0] += n
        per_method[method][1] += total
    monthly = Table(_("Per kind and month"), [_("Month"), _("Kind"), _("Count"), _("Amount (¥)")])
    for (month, kind), (n, total) in sorted(per_month.items()):
        monthly.rows.append([_month(month), str(kinds[kind]), n, total])
    net_table = Table(
        _("Net amount per month (¥)"),
        [_("Month"), _("Net (¥)")],
        [[_month(month), net] for month, net in sorted(net_per_month.items())],
        chart=True,
    )
    top_customers = _top_customers(f, approved)
    names = Customer.objects.only("archive_no", "name").in_bulk([r["customer_id"] for r in top_customers])
    customers_table = Table(
        _("Top customers by net amount"),
        [_("Customer"), _("Net (¥)")],
        [[f"{names[r['customer_id']].archive_no} {names[r['customer_id']].name}", r["net"]] for r in top_customers],
        chart=True,
    )
    top_products = sorted(per_product.items(), key=lambda kv: -kv[1])[:10]
    products = Product.objects.only("sku", "name").in_bulk([pk for pk, _net in top_products])
    products_table = Table(
        _("Top products by net amount"),
        [_("Product"), _("Net (¥)")],
        [[f"{products[pk].sku} {products[pk].name}", net] for pk, net in top_products],
        chart=True,
    )
    methods = _choices(Transaction, "payment_method")
    methods_table = Table(
        _("Payment methods"),
        [_label(Transaction, "payment_method"), _("Count"), _("Amount (¥)")],
        [
            [str(methods.get(method, method or "—")), n, total]
            for method, (n, total) in sorted(per_method.items(), key=lambda kv: -kv[1][1])
        ],
        chart=True,
    )
    return [net_table, monthly, customers_table, products_table, methods_table]


TOP = 10
TOP_CANDIDATES = 500  # customers whose net in the range one query works out
TOP_ROUNDS = 1  # queries: 2 per round, and 1 more when the walk did not settle


def _top_customers(f: Filters, approved) -> list[dict]:
    """The ten customers of the largest net amount in the range, exactly, without
    grouping every transaction of the range: a customer's net in any range is at
    most their purchases and top-ups of all time (`CustomerGross`, kept by the
    database), so the customers are taken in that order, a few hundred at a time,
    their net in the range worked out through the customer index — and the walk
    stops once the tenth best net found is at least the gross of the next customer
    not yet looked at. A range where it does not settle that fast (a short one,
    where nets are small beside lifetime figures — and then few transactions to
    group) is grouped whole, as before."""
    ranked = CustomerGross.objects.filter(department_id__in=f.departments, gross__gt=0).order_by(
        "-gross", "customer_id"
    )
    found: dict[int, Decimal] = {}
    for round_ in range(TOP_ROUNDS):
        chunk = list(
            ranked.values_list("customer_id", "gross")[round_ * TOP_CANDIDATES : (round_ + 1) * TOP_CANDIDATES]
        )
        if chunk:
            nets = approved.filter(customer_id__in=[pk for pk, _gross in chunk]).values("customer_id")
            found.update(nets.annotate(net=Sum(_signed())).order_by().values_list("customer_id", "net"))
        best = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        # Nobody not yet looked at has more than this (0: every customer of a positive gross was looked at).
        unseen_bound = chunk[-1][1] if len(chunk) == TOP_CANDIDATES else Decimal("0")
        if len(best) == TOP and best[-1][1] >= unseen_bound:
            return [{"customer_id": pk, "net": net} for pk, net in best]
    return list(approved.values("customer_id").annotate(net=Sum(_signed())).order_by("-net", "customer_id")[:TOP])


def complaints(f: Filters) -> list[Table]:
    scoped = Complaint.objects.filter(department__in=f.departments)
    now = timezone.now()
    severities = _choices(Complaint, "severity")
    open_rows = (
        scoped.filter(status__in=UNRESOLVED)
        .values("severity")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("severity")
    )
    open_table = Table(
        _("Open complaints by severity"),
        [_label(Complaint, "severity"), _("Open"), _("Overdue")],
        [[str(severities[r["severity"]]), r["n"], r["late"]] for r in open_rows],
        chart=True,
    )
    resolved = scoped.filter(resolved_at__gte=f.start, resolved_at__lt=f.end)
    months = (
        resolved.annotate(month=TruncMonth("resolved_at"))
        .values("month")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(resolved_at__lte=F("due_at"))),
            took=Avg(F("resolved_at") - F("received_at")),
        )
        .order_by("month")
    )
    deadline = Table(
        _("Resolved within the deadline, per month"),
        [_("Month"), _("Resolved"), _("Within the deadline"), _("Share"), _("Days to resolve (average)")],
        [[_month(r["month"]), r["n"], r["in_time"], f"{r['in_time'] / r['n']:.0%}", _days(r["took"])] for r in months],
    )
    surveys = (
        Feedback.objects.filter(department__in=f.departments, surveyed_at__gte=f.start, surveyed_at__lt=f.end)
        .annotate(month=TruncMonth("surveyed_at"))
        .values("month")
        .annotate(n=Count("pk"), overall=Avg("overall"), service=Avg("service_quality"), price=Avg("price"))
        .order_by("month")
    )
    satisfaction = Table(
        _("Satisfaction per month (surveys, 1–5)"),
        [_("Month"), _("Surveys"), _("Overall"), _("Service quality"), _("Price")],
        [[_month(r["month"]), r["n"], _avg(r["overall"]), _avg(r["service"]), _avg(r["price"])] for r in surveys],
    )
    handlers = (
        scoped.exclude(satisfaction=None)
        .filter(resolved_at__gte=f.start, resolved_at__lt=f.end)
        .values("handler__username", "handler__last_name", "handler__first_name")
        .annotate(n=Count("pk"), score=Avg("satisfaction"))
        .order_by("-score", "handler__username")
    )
    per_handler = Table(
        _("Satisfaction per handler (closed complaints, 1–5)"),
        [_("Handler"), _("Complaints"), _("Satisfaction")],
        [
            [
                f"{r['handler__last_name']}{r['handler__first_name']} ({r['handler__username']})",
                r["n"],
                _avg(r["score"]),
            ]
            for r in handlers
        ],
    )
    return [open_table, deadline, satisfaction, per_handler]


def _avg(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def _month(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m")
    return str(value)[:7]
