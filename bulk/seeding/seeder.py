"""Seeding in batches: generated rows checked and encrypted by workers, written here."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bulk import fastinsert, pipeline
from bulk.benchdata import SEED_HEADERS, seed_cells
from bulk.checking import RowChecker
from bulk.seeding.business import BusinessRows
from bulk.seeding.company import Company
from bulk.seeding.placing import QUIET_DAYS, Placed, created_at, place
from bulk.seeding.tables import Tables
from customers.models import Customer, Status, Tag, Tier
from customers.services import archive_numbers_allocate
from review.models import Decision
from transactions.models import Product


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


class Seeder(BusinessRows):
    """Writes seeded customers `start` … `total - 1` batch by batch, each batch
    with its related rows in one transaction."""

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
                            # The report summaries are rebuilt at the end (tables.finish), not row by row.
                            cursor.execute("SET LOCAL reports.summaries_paused TO 'on'")
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


def workers_default() -> int:
    return settings.CRM_IMPORT_WORKERS
