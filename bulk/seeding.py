"""`seed_scale N`: a company's worth of realistic customers, fast (SPEC §8).

Customers go through the import's own path: each generated row
(`bulk.benchdata.seed_cells`) is checked by the import's `RowChecker` — the
model's rules, `Customer.clean()`, blind indexes — and encrypted under its own
data key there, in worker processes (`bulk.pipeline`'s workers), while this
process decides where each customer stands in the company (department, maker,
owner, review state, dates) and writes the batch with its related rows: history,
the maker's and owner's rights, review decisions, tags, transactions with some
reversals, contacts, complaints and surveys, each with its history row. On
PostgreSQL every table is written with `COPY`; on SQLite with one prepared
`executemany` per table (`bulk.fastinsert`).

Customer number n is always the same customer, so a run resumes after the last
committed batch (each batch is one transaction) and never makes a customer
twice. Primary keys come from each table's sequence, archive numbers from the
archive sequence: the application keeps working on the seeded database."""

from __future__ import annotations

import bisect
import gc
import multiprocessing
import os
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from bulk import fastinsert, pipeline
from bulk.benchdata import SEED_GIVEN, SEED_HEADERS, SEED_SURNAMES, seed_cells
from bulk.checking import RowChecker
from customers.models import Customer, CustomerUserObjectPermission, Status, Tag, Tier
from customers.services import archive_numbers_allocate
from interactions.models import Complaint, Feedback, Interaction
from review.models import Decision, ReviewDecision
from transactions.models import Product, Transaction
from vault.models import DataKey

USER_PREFIX = "seed"
DEPARTMENT_PREFIX = "seed-"
DEFAULT_PASSWORD = "custodian-demo"  # noqa: S105 — the documented demo password (SPEC §6)
SPAN_DAYS = 3 * 365  # customers were entered over the last three years
QUIET_DAYS = 3  # … up to three days ago, so every decision and transaction is in the past
HEAVY_EVERY = 5000  # one approved customer in 5,000 has hundreds of related rows
HEAVY_TRANSACTIONS, HEAVY_CONTACTS, HEAVY_COMPLAINTS = 250, 60, 12
STATUS_SHARES = [(Status.APPROVED, 0.85), (Status.PENDING, 0.07), (Status.RETURNED, 0.03), (Status.DRAFT, 0.05)]
REGIONS = ["华北", "华东", "华南", "华中", "西南", "西北", "东北"]
LINES = ["零售客户", "对公客户", "私人银行"]
PRODUCTS = [
    ("SEED-001", "活期理财", "1000.00"),
    ("SEED-002", "定期存单", "10000.00"),
    ("SEED-003", "信用卡年费", "300.00"),
    ("SEED-004", "基金定投", "500.00"),
    ("SEED-005", "保险产品", "3600.00"),
    ("SEED-006", "贵金属", "4800.00"),
]
SUMMARIES = ["咨询理财产品", "回访服务满意度", "节日问候", "上门拜访", "售后问题处理", "产品到期提醒"]
COMPLAINTS = ["柜台排队时间过长", "扣费未提前告知", "客户经理态度不好", "卡片邮寄延误", "短信提醒过多"]


# The company: departments of different sizes and their staff ----------------------


@dataclass
class Company:
    departments: list[int]
    cumulative: list[float]  # department shares, cumulated, for a weighted pick
    clerks: dict[int, list[int]]
    reviewers: dict[int, list[int]]
    managers: dict[int, list[int]]
    clerk_ids: list[int] = field(default_factory=list)

    def department(self, rng: random.Random) -> int:
        return self.departments[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _department_names(count: int) -> list[str]:
    names = [f"{region}{line}部" for line in LINES for region in REGIONS]
    return [names[i] if i < len(names) else f"{names[i % len(names)]}{i // len(names) + 1}" for i in range(count)]


def company_build(departments: int = 20) -> Company:
    """Departments `seed-01` … of Zipf-like sizes, each with clerks (more in larger
    departments), reviewers, managers and a security officer. Idempotent: what
    exists is reused, nothing is made twice."""
    shares = [1 / (i + 1) ** 0.8 for i in range(departments)]
    total = sum(shares)
    groups = {role: Group.objects.get(name=role) for role in Role.values}
    password = None
    out = Company([], [], {}, {}, {})
    running = 0.0
    for index, (name, share) in enumerate(zip(_department_names(departments), shares, strict=True), start=1):
        department, _created = Department.objects.get_or_create(
            code=f"{DEPARTMENT_PREFIX}{index:02d}", defaults={"name": f"{name}（{index:02d}）"}
        )
        clerks = max(2, round(share / total * departments * 6))
        staff = {
            Role.CLERK: clerks,
            Role.REVIEWER: max(1, clerks // 3),
            Role.MANAGER: 1 + (clerks >= 10),
            Role.SECURITY_OFFICER: 1,
        }
        members: dict[str, list[int]] = {}
        for role, count in staff.items():
            for k in range(1, count + 1):
                username = f"{USER_PREFIX}{index:02d}_{role}{k:02d}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    # One hash for all: hashing ~200 passwords would take minutes.
                    password = password or make_password(os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD)
                    user = User.objects.create(
                        username=username,
                        password=password,
                        last_name=SEED_SURNAMES[(index * 7 + k) % len(SEED_SURNAMES)],
                        first_name=SEED_GIVEN[(index * 3 + k * 5) % len(SEED_GIVEN)],
                        department=department,
                        is_staff=role in (Role.MANAGER, Role.SECURITY_OFFICER),
                    )
                    user.groups.add(groups[role])
                members.setdefault(role, []).append(user.pk)
        running += share
        out.departments.append(department.pk)
        out.cumulative.append(running)
        out.clerks[department.pk] = members[Role.CLERK]
        out.reviewers[department.pk] = members[Role.REVIEWER]
        out.managers[department.pk] = members[Role.MANAGER]
        out.clerk_ids += members[Role.CLERK]
    return out


def seeded_count(company: Company) -> int:
    """How many seeded customers exist: those made by the seed's clerks (each
    batch commits whole, so this is where the next run starts)."""
    return Customer.objects.filter(entered_by_id__in=company.clerk_ids).count()


# Where each customer stands -----------------------------------------------------


def created_at(n: int, total: int, end: datetime) -> datetime:
    """Customer n of `total` was entered in the three years before `end`, in order."""
    start = end - timedelta(days=SPAN_DAYS)
    jitter = (n * 2_654_435_761 % 1000) / 1000
    return start + timedelta(seconds=SPAN_DAYS * 86400 * (n + jitter) / max(total, 1))


@dataclass(slots=True)
class Placed:
    """What the writer decides for customer n (the row's cells decide the rest)."""

    n: int
    rng: random.Random
    department: int
    maker: int
    owner: int
    reviewer: int
    manager: int
    status: str
    created: datetime
    entered: datetime | None
    reviewed: datetime | None
    heavy: bool


def place(n: int, company: Company, created: datetime, now: datetime) -> Placed:
    rng = random.Random(n * 7_919 + 1)  # noqa: S311 — test data
    department = company.department(rng)
    clerks = company.clerks[department]
    maker = rng.choice(clerks)
    owner = maker if rng.random() < 0.8 or len(clerks) == 1 else rng.choice([c for c in clerks if c != maker])
    heavy = n % HEAVY_EVERY == 17
    status = Status.APPROVED if heavy else _pick(rng, STATUS_SHARES)
    entered = reviewed = None
    if status != Status.DRAFT:
        entered = min(created + timedelta(minutes=rng.randint(5, 180)), now)
    if status in (Status.APPROVED, Status.RETURNED):
        reviewed = min(entered + timedelta(minutes=rng.randint(30, 4 * 24 * 60)), now)
    return Placed(
        n,
        rng,
        department,
        maker,
        owner,
        rng.choice(company.reviewers[department]),
        rng.choice(company.managers[department]),
        status,
        created,
        entered,
        reviewed,
        heavy,
    )


def _pick(rng: random.Random, shares: list[tuple[object, float]]):
    roll = rng.random()
    for value, share in shares:
        if roll < share:
            return value
        roll -= share
    return shares[-1][0]


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + timedelta(seconds=rng.random() * (end - start).total_seconds())


# Writing tables -----------------------------------------------------------------


class Table:
    """Rows of one model as tuples in column order, written with COPY on
    PostgreSQL and one prepared executemany on SQLite. Values are Python values;
    on SQLite those the driver cannot take are adapted by their fields."""

    def __init__(self, model: type[models.Model], *, adapted: bool = False) -> None:
        """`adapted`: the rows come as database values already (`fastinsert.Plan.values`)."""
        connection = connections["default"]
        self.model = model
        self.plan = fastinsert.Plan(model)
        self.position = self.plan.position
        self.width = len(self.plan.attnames)
        self.postgres = connection.vendor == "postgresql"
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.plan.fields)
        self.copy_sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        self.types: list[int] | None = None
        kinds = (models.DateField, models.DecimalField, models.JSONField, models.UUIDField)
        self.adapt = [
            (i, f)
            for i, f in enumerate(self.plan.fields)
            if not adapted and (isinstance(f, models.JSONField) or (not self.postgres and isinstance(f, kinds)))
        ]

    def row(self, **values) -> list:
        out = [None] * self.width
        for attname, value in values.items():
            out[self.position[attname]] = value
        return out

    def write(self, rows: list[list]) -> None:
        if not rows:
            return
        connection = connections["default"]
        if self.adapt:
            for row in rows:
                for index, f in self.adapt:
                    if row[index] is not None or isinstance(f, models.JSONField):
                        row[index] = f.get_db_prep_save(row[index], connection)
        if not self.postgres:
            self.plan.insert(rows)
            return
        with connection.cursor() as cursor:
            if self.types is None:
                # Binary COPY: the server parses no text, and the driver dumps each
                # column with the dumper of its type, chosen once.
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped",
                    [self.model._meta.db_table],
                )
                oids = dict(cursor.fetchall())
                self.types = [oids[f.column] for f in self.plan.fields]
            with cursor.cursor.copy(self.copy_sql + " (FORMAT BINARY)") as copy:
                copy.set_types(self.types)
                for row in rows:
                    copy.write_row(row)


def _history(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


class Tables:
    def __init__(self) -> None:
        self.customer = pipeline._tables()
        self.rights = Table(CustomerUserObjectPermission)
        self.decisions = Table(ReviewDecision)
        self.tags = Table(Customer.tags.through)
        self.transactions = Table(Transaction)
        self.transaction_history = Table(_history(Transaction))
        self.interactions = Table(Interaction)
        self.interaction_history = Table(_history(Interaction))
        self.complaints = Table(Complaint)
        self.complaint_history = Table(_history(Complaint))
        self.surveys = Table(Feedback)
        self.survey_history = Table(_history(Feedback))
        self.customer_writer = Table(Customer, adapted=True)
        self.key_writer = Table(DataKey, adapted=True)
        self.customer_history_writer = Table(_history(Customer), adapted=True)


HISTORY_OWN = ("history_id", "history_date", "history_user_id", "history_type", "history_change_reason")


def _with_history(table: Table, history: Table, rows: list[list], *, user: str, when: str) -> list[list]:
    """A "+" history row copying each new row (history ids from their sequence)."""
    width = table.width
    pick = itemgetter(
        *(table.position[a] if a in table.position else width + HISTORY_OWN.index(a) for a in history.plan.attnames)
    )
    user_at, when_at = table.position[user], table.position[when]
    history_ids = fastinsert.reserve_ids(history.model, len(rows))
    reason = _("Entered")
    return [
        list(pick([*row, history_id, row[when_at], row[user_at], "+", reason]))
        for row, history_id in zip(rows, history_ids, strict=True)
    ]


# Seeding -----------------------------------------------------------------------


@dataclass
class Totals:
    customers: int = 0
    history: int = 0
    rights: int = 0
    decisions: int = 0
    transactions: int = 0
    reversals: int = 0
    contacts: int = 0
    complaints: int = 0
    surveys: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        # Data keys, customers and every related row (history of the related rows included).
        return (
            2 * self.customers
            + self.history
            + self.rights
            + self.decisions
            + 2 * (self.transactions + self.contacts + self.complaints + self.surveys)
        )


def _generate(start: int, stop: int, total: int, end: datetime) -> list:
    """In a worker (or here): the batch's rows, generated, checked and encrypted."""
    checker = pipeline._worker_checker
    batch = [(n, seed_cells(n, timezone.localdate(created_at(n, total, end)))) for n in range(start, stop)]
    return checker.check_batch(batch, prepare=True)


def _worker_start(checker: RowChecker) -> None:
    """The import's worker set-up (no database, the checker inherited), at the
    normal priority: seeding is the machine's main work, not background work."""
    pipeline._worker_checker = checker

    def refuse(*args, **kwargs):
        raise RuntimeError("A seeding worker checks rows; it never uses the database.")

    for connection in connections.all():
        connection.execute_wrappers.append(refuse)
    gc.freeze()


def _checked_batches(start: int, total: int, batch_size: int, end: datetime, workers: int) -> Iterator[tuple]:
    """(first n, checked rows) per batch, in order; checked ahead by workers."""
    checker = RowChecker(SEED_HEADERS, set(Tag.objects.values_list("name", flat=True)))
    ranges = [(s, min(s + batch_size, total)) for s in range(start, total, batch_size)]
    if not workers or "fork" not in multiprocessing.get_all_start_methods():
        pipeline._worker_checker = checker
        try:
            for s, e in ranges:
                yield s, _generate(s, e, total, end)
        finally:
            pipeline._worker_checker = None
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start, initargs=(checker,)
    )
    try:
        ahead = []
        for s, e in ranges:
            ahead.append((s, pool.submit(_generate, s, e, total, end)))
            if len(ahead) > workers:
                first, future = ahead.pop(0)
                yield first, future.result()
        for first, future in ahead:
            yield first, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Seeder:
    def __init__(self, company: Company, total: int, *, now: datetime | None = None) -> None:
        self.company = company
        self.total = total
        self.now = now or timezone.now()
        # The end of the entry period is fixed by the day, so a resumed run places
        # customer n on the same day as the interrupted one did.
        today = timezone.localdate(self.now)
        self.end = timezone.make_aware(datetime.combine(today - timedelta(days=QUIET_DAYS), datetime.min.time()))
        self.tables = Tables()
        self.totals = Totals()
        self.customer_type = ContentType.objects.get_for_model(Customer).pk
        self.rights = dict(
            Permission.objects.filter(
                content_type__app_label="customers", codename__in=("view_customer", "change_customer")
            ).values_list("codename", "pk")
        )
        self.tag_ids = {t.name: t.pk for t in Tag.objects.filter(name__in=("VIP", "new", "active"))}
        self.products = [
            (pk, Decimal(price))
            for pk, price in Product.objects.filter(sku__startswith="SEED-").values_list("pk", "unit_price")
        ]

    def run(
        self, start: int, *, batch_size: int, workers: int, progress: Callable[[int], None] | None = None
    ) -> Totals:
        with pipeline._bulk_writes():
            for first, rows in _checked_batches(start, self.total, batch_size, self.end, workers):
                refused = [r for r in rows if not r.good]
                if refused:
                    # Never expected: the generator makes valid customers. Nothing of the batch is written.
                    problems = "; ".join(f"{column}: {message}" for column, message in refused[0].problems)
                    raise ValidationError(f"Seeded customer {refused[0].number} refused: {problems}")
                with transaction.atomic():
                    if self.tables.customer_writer.postgres:
                        with connections["default"].cursor() as cursor:
                            cursor.execute("SET LOCAL synchronous_commit TO OFF")
                    self._write(first, rows)
                if progress:
                    progress(len(rows))
        return self.totals

    def _write(self, first: int, rows) -> None:
        tables, now = self.tables, self.now
        placed = [place(row.number, self.company, created_at(row.number, self.total, self.end), now) for row in rows]
        count = len(rows)
        ids = fastinsert.reserve_ids(Customer, count)
        numbers: list[str] = []
        for year in sorted({p.created.year for p in placed}):
            numbers += archive_numbers_allocate(
                count=sum(1 for p in placed if p.created.year == year), on=date(year, 1, 1)
            )
        plan = tables.customer.customer
        position = plan.position
        customer_fields = {f.attname: f for f in plan.fields}
        connection = connections["default"]
        postgres = tables.customer_writer.postgres

        def at(name, value):
            return (
                customer_fields[name].get_db_prep_save(value, connection)
                if value is not None and not postgres
                else value
            )

        customers, history, rights, decisions, tags = [], [], [], [], []
        history_ids = iter(fastinsert.reserve_ids(Customer.history.model, 2 * count))
        own_reason = {
            Status.APPROVED: _("Approved"),
            Status.PENDING: _("Submitted for review"),
            Status.RETURNED: _("Returned: %(reason)s") % {"reason": "请核对地址"},
        }
        for row, p, pk, archive_no in zip(rows, placed, ids, numbers, strict=True):
            values = list(row.customer)
            tier = values[position["tier"]]
            second = p.status == Status.APPROVED and tier == Tier.KEY
            decided = {
                "id": pk,
                "archive_no": archive_no,
                "owner_id": p.owner,
                "entered_by_id": p.maker,
                "department_id": p.department,
                "status": p.status,
                "entered_at": at("entered_at", p.entered),
                "created_at": at("created_at", p.created),
                "reviewed_by_id": p.reviewer if p.reviewed else None,
                "reviewed_at": at("reviewed_at", p.reviewed),
                "second_reviewed_by_id": p.manager if second else None,
                "second_reviewed_at": at("second_reviewed_at", p.reviewed + timedelta(hours=20)) if second else None,
                "contact_verified_at": at("contact_verified_at", p.reviewed) if p.status == Status.APPROVED else None,
            }
            last = (p.reviewed + timedelta(hours=20 if second else 0)) if p.reviewed else (p.entered or p.created)
            decided["updated_at"] = at("updated_at", last)
            # A draft as first entered: the "+" row of the change trail.
            draft = list(values)
            for name, value in decided.items():
                values[position[name]] = value
                draft[position[name]] = value
            for name in ("entered_at", "reviewed_by_id", "reviewed_at", "second_reviewed_by_id", "second_reviewed_at"):
                draft[position[name]] = None
            draft[position["contact_verified_at"]] = None
            draft[position["status"]] = Status.DRAFT
            customers.append(values)
            history.append(self._history_row(draft, next(history_ids), p.created, p.maker, "+", _("Entered")))
            if p.status != Status.DRAFT:
                by = p.maker if p.status == Status.PENDING else (p.manager if second else p.reviewer)
                history.append(self._history_row(values, next(history_ids), last, by, "~", own_reason[p.status]))
            rights.append(self._right(pk, p.maker, "view_customer"))
            rights.append(self._right(pk, p.maker, "change_customer"))
            if p.owner != p.maker:
                rights.append(self._right(pk, p.owner, "view_customer"))
            decisions += self._decisions(pk, p, second)
            tags += [tables.tags.row(customer_id=pk, tag_id=t) for t in self._tags(p, tier)]
        for writer, items in ((tables.rights, rights), (tables.decisions, decisions), (tables.tags, tags)):
            for item, item_id in zip(items, fastinsert.reserve_ids(writer.model, len(items)), strict=True):
                item[writer.position["id"]] = item_id
        tables.key_writer.write([list(r.data_key) for r in rows])
        tables.customer_writer.write(customers)
        tables.customer_history_writer.write([list(h) for h in history])
        tables.rights.write(rights)
        tables.decisions.write(decisions)
        tables.tags.write(tags)
        self._business(placed, ids)
        t = self.totals
        t.customers += count
        t.history += len(history)
        t.rights += len(rights)
        t.decisions += len(decisions)
        for p in placed:
            t.statuses[p.status] = t.statuses.get(p.status, 0) + 1

    def _history_row(self, values: list, history_id: int, when: datetime, user: int, kind: str, reason: str) -> tuple:
        connection = connections["default"]
        if not self.tables.customer_writer.postgres:
            when = Customer.history.model._meta.get_field("history_date").get_db_prep_save(when, connection)
        return self.tables.customer.history_pick([*values, history_id, when, user, kind, reason])

    def _right(self, pk: int, user: int, codename: str) -> list:
        return self.tables.rights.row(content_object_id=pk, user_id=user, permission_id=self.rights[codename])

    def _decisions(self, pk: int, p: Placed, second: bool) -> list[list]:
        table = self.tables.decisions
        common = {"content_type_id": self.customer_type, "object_id": pk, "version": 1}
        if p.status == Status.RETURNED:
            return [
                table.row(
                    **common,
                    decision=Decision.RETURNED,
                    actor_id=p.reviewer,
                    at=p.reviewed,
                    note="请核对地址",
                    field_reasons={"address": "地址缺少门牌号"},
                )
            ]
        if p.status != Status.APPROVED:
            return []
        if not second:
            return [
                table.row(
                    **common, decision=Decision.APPROVED, actor_id=p.reviewer, at=p.reviewed, note="", field_reasons={}
                )
            ]
        return [
            table.row(
                **common,
                decision=Decision.FIRST_APPROVED,
                actor_id=p.reviewer,
                at=p.reviewed,
                note="",
                field_reasons={},
            ),
            table.row(
                **common,
                decision=Decision.APPROVED,
                actor_id=p.manager,
                at=p.reviewed + timedelta(hours=20),
                note="",
                field_reasons={},
            ),
        ]

    def _tags(self, p: Placed, tier: str) -> list[int]:
        out = []
        if tier == Tier.KEY or p.rng.random() < 0.03:
            out.append(self.tag_ids["VIP"])
        if self.now - p.created < timedelta(days=60):
            out.append(self.tag_ids["new"])
        if p.rng.random() < 0.2:
            out.append(self.tag_ids["active"])
        return out

    # Transactions, contacts, complaints, surveys --------------------------------

    def _business(self, placed: list[Placed], ids: list[int]) -> None:
        tables = self.tables
        transactions, reversals, contacts, complaints, surveys = [], [], [], [], []
        for p, pk in zip(placed, ids, strict=True):
            rng = p.rng
            if p.status != Status.DRAFT:
                k = HEAVY_CONTACTS if p.heavy else _pick(rng, [(0, 0.3), (1, 0.3), (2, 0.25), (3, 0.1), (5, 0.05)])
                contacts += [self._contact(p, pk) for _each in range(k)]
            if p.status != Status.APPROVED:
                continue
            k = (
                HEAVY_TRANSACTIONS
                if p.heavy
                else _pick(rng, [(0, 0.1), (1, 0.15), (2, 0.2), (3, 0.2), (4, 0.15), (6, 0.2)])
            )
            for _each in range(k):
                transactions.append(self._transaction(p, pk))
            k = HEAVY_COMPLAINTS if p.heavy else (1 if rng.random() < 0.04 else 0)
            complaints += [self._complaint(p, pk) for _each in range(k)]
            if p.heavy or rng.random() < 0.08:
                surveys.append(self._survey(p, pk))
        txn = tables.transactions
        for row, pk in zip(transactions, fastinsert.reserve_ids(Transaction, len(transactions)), strict=True):
            row[txn.position["id"]] = pk
        # Some approved purchases, payments and top-ups are reversed, in part or whole.
        for original in transactions:
            pk = original[txn.position["id"]]
            if original[txn.position["status"]] == "approved" and pk * 2_654_435_761 % 1000 < 60:
                reversals.append(self._reversal(original, random.Random(pk)))  # noqa: S311 — test data
        everything = transactions + reversals
        records = _with_history(txn, tables.transaction_history, everything, user="entered_by_id", when="created_at")
        txn.write(transactions)  # before the reversals' ids are taken (SQLite counts from the largest id)
        for row, pk in zip(reversals, fastinsert.reserve_ids(Transaction, len(reversals)), strict=True):
            row[txn.position["id"]] = pk
        for record, row in zip(records[len(transactions) :], reversals, strict=True):
            record[tables.transaction_history.position["id"]] = row[txn.position["id"]]
        txn.write(reversals)
        tables.transaction_history.write(records)
        for table, history, rows, user, when in (
            (tables.interactions, tables.interaction_history, contacts, "handler_id", "created_at"),
            (tables.complaints, tables.complaint_history, complaints, "created_by_id", "received_at"),
            (tables.surveys, tables.survey_history, surveys, "recorded_by_id", "surveyed_at"),
        ):
            for row, pk in zip(rows, fastinsert.reserve_ids(table.model, len(rows)), strict=True):
                row[table.position["id"]] = pk
            records = _with_history(table, history, rows, user=user, when=when)
            table.write(rows)
            history.write(records)
        t = self.totals
        t.transactions += len(everything)
        t.reversals += len(reversals)
        t.contacts += len(contacts)
        t.complaints += len(complaints)
        t.surveys += len(surveys)

    def _transaction(self, p: Placed, pk: int) -> list:
        rng, now = p.rng, self.now
        occurred = _between(rng, p.reviewed, now - timedelta(hours=1))
        kind = _pick(rng, [("purchase", 0.55), ("payment", 0.15), ("top_up", 0.3)])
        product = quantity = None
        if kind == "purchase" and self.products and rng.random() < 0.6:
            product, price = rng.choice(self.products)
            quantity = rng.randint(1, 5)
            amount = price * quantity
        else:
            amount = Decimal(rng.randint(2000, 2_000_000)) / 100
        recent = now - occurred < timedelta(days=7)
        status = "pending" if recent and rng.random() < 0.3 else "approved"
        entered = occurred + timedelta(minutes=rng.randint(5, 120))
        reviewed = min(entered + timedelta(hours=rng.randint(1, 48)), now) if status == "approved" else None
        return self.tables.transactions.row(
            customer_id=pk,
            department_id=p.department,
            kind=kind,
            occurred_at=occurred,
            amount=amount,
            currency="CNY",
            product_id=product,
            quantity=quantity,
            payment_method=rng.choice(["card", "wechat_pay", "alipay", "bank_transfer", "cash"]),
            order_no=f"DD{pk:08d}{rng.randint(0, 9999):04d}" if product else "",
            original_id=None,
            note="",
            status=status,
            version=1,
            entered_by_id=p.owner,
            entered_at=min(entered, now),
            reviewed_by_id=p.reviewer if reviewed else None,
            reviewed_at=reviewed,
            created_at=min(entered, now),
        )

    def _reversal(self, original: list, rng: random.Random) -> list:
        table, now = self.tables.transactions, self.now
        position = table.position
        at = _between(rng, original[position["occurred_at"]], now - timedelta(minutes=30))
        amount = original[position["amount"]]
        if rng.random() < 0.5:
            amount = max(Decimal("0.01"), (amount * Decimal(rng.randint(10, 90)) / 100).quantize(Decimal("0.01")))
        row = list(original)
        row[position["kind"]] = "return" if original[position["kind"]] == "purchase" else "refund"
        row[position["original_id"]] = original[position["id"]]
        row[position["amount"]] = amount
        row[position["occurred_at"]] = at
        row[position["product_id"]] = row[position["quantity"]] = None
        row[position["order_no"]] = ""
        row[position["note"]] = "客户退货" if row[position["kind"]] == "return" else "重复扣款退回"
        row[position["entered_at"]] = row[position["created_at"]] = min(at + timedelta(minutes=10), now)
        row[position["reviewed_at"]] = min(at + timedelta(hours=3), now)
        return row

    def _contact(self, p: Placed, pk: int) -> list:
        rng, now = p.rng, self.now
        occurred = _between(rng, p.created, now - timedelta(hours=2))
        follow_up = followed = None
        if rng.random() < 0.1:
            follow_up = occurred + timedelta(days=rng.randint(1, 30))
            if follow_up < now and rng.random() < 0.7:
                followed = follow_up + timedelta(hours=rng.randint(1, 48))
                followed = min(followed, now)
        return self.tables.interactions.row(
            customer_id=pk,
            department_id=p.department,
            channel=rng.choice(["phone", "wechat", "visit", "email", "sms", "meeting"]),
            direction=rng.choice(["inbound", "outbound"]),
            occurred_at=occurred,
            kind=rng.choice(["consultation", "visit", "greeting", "after_sales", "survey"]),
            summary=rng.choice(SUMMARIES),
            content="",
            handler_id=p.owner,
            follow_up_at=follow_up,
            followed_up_at=followed,
            created_at=occurred,
        )

    def _complaint(self, p: Placed, pk: int) -> list:
        rng, now = p.rng, self.now
        received = _between(rng, p.reviewed, now - timedelta(hours=1))
        severity = _pick(rng, [("normal", 0.6), ("low", 0.2), ("high", 0.15), ("critical", 0.05)])
        due = received + timedelta(hours=settings.CRM_COMPLAINT_SLA_HOURS[severity])
        old = now - received > timedelta(days=30)
        status = _pick(
            rng,
            [("closed", 0.6), ("resolved", 0.3), ("open", 0.05), ("investigating", 0.05)]
            if old
            else [("open", 0.4), ("investigating", 0.3), ("resolved", 0.2), ("closed", 0.1)],
        )
        resolved = None
        if status in ("resolved", "closed"):
            resolved = min(
                received + timedelta(hours=rng.randint(2, settings.CRM_COMPLAINT_SLA_HOURS[severity] * 3 // 2)), now
            )
        return self.tables.complaints.row(
            customer_id=pk,
            department_id=p.department,
            received_at=received,
            channel=rng.choice(["phone", "wechat", "visit", "email"]),
            category=rng.choice(["product", "service", "billing", "delivery", "other"]),
            severity=severity,
            content=rng.choice(COMPLAINTS),
            status=status,
            handler_id=p.owner,
            due_at=due,
            resolution="已致电客户说明并处理" if resolved else "",
            resolved_at=resolved,
            satisfaction=rng.randint(2, 5) if status == "closed" else None,
            created_by_id=p.owner,
        )

    def _survey(self, p: Placed, pk: int) -> list:
        rng = p.rng
        return self.tables.surveys.row(
            customer_id=pk,
            department_id=p.department,
            surveyed_at=_between(rng, p.reviewed, self.now - timedelta(hours=1)),
            service_quality=_pick(rng, [(5, 0.45), (4, 0.35), (3, 0.15), (2, 0.05)]),
            price=_pick(rng, [(5, 0.3), (4, 0.4), (3, 0.25), (1, 0.05)]),
            overall=_pick(rng, [(5, 0.4), (4, 0.4), (3, 0.15), (2, 0.05)]),
            comment="",
            recorded_by_id=p.owner,
        )


def products_ensure() -> None:
    for sku, name, price in PRODUCTS:
        Product.objects.get_or_create(sku=sku, defaults={"name": name, "unit_price": Decimal(price)})


SEEDED_MODELS = (
    DataKey,
    Customer,
    Customer.history.model,
    CustomerUserObjectPermission,
    ReviewDecision,
    Customer.tags.through,
    Transaction,
    Transaction.history.model,
    Interaction,
    Interaction.history.model,
    Complaint,
    Complaint.history.model,
    Feedback,
    Feedback.history.model,
)


def finish() -> None:
    """Sequences past every id written (they already are: ids came from them;
    this is the belt to those braces), and fresh planner statistics."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m for m in SEEDED_MODELS if m is not DataKey]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            for model in SEEDED_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")


def workers_default() -> int:
    return settings.CRM_IMPORT_WORKERS
