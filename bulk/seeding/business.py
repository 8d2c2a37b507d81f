"""A seeded customer's business: transactions and reversals, contacts, complaints, surveys."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from bulk import fastinsert
from bulk.seeding.placing import HEAVY_COMPLAINTS, HEAVY_CONTACTS, HEAVY_TRANSACTIONS, Placed, between, pick
from bulk.seeding.tables import with_history
from customers.models import Status
from transactions.models import Transaction

SUMMARIES = ["咨询理财产品", "回访服务满意度", "节日问候", "上门拜访", "售后问题处理", "产品到期提醒"]
COMPLAINTS = ["柜台排队时间过长", "扣费未提前告知", "客户经理态度不好", "卡片邮寄延误", "短信提醒过多"]


class BusinessRows:
    """The Seeder's related rows (it holds `tables`, `now`, `products`, `totals`)."""

    def _business(self, placed: list[Placed], ids: list[int]) -> None:
        tables = self.tables
        transactions, reversals, contacts, complaints, surveys = [], [], [], [], []
        for p, pk in zip(placed, ids, strict=True):
            rng = p.rng
            if p.status != Status.DRAFT:
                k = HEAVY_CONTACTS if p.heavy else pick(rng, [(0, 0.3), (1, 0.3), (2, 0.25), (3, 0.1), (5, 0.05)])
                contacts += [self._contact(p, pk) for _each in range(k)]
            if p.status != Status.APPROVED:
                continue
            k = (
                HEAVY_TRANSACTIONS
                if p.heavy
                else pick(rng, [(0, 0.1), (1, 0.15), (2, 0.2), (3, 0.2), (4, 0.15), (6, 0.2)])
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
        records = with_history(txn, tables.transaction_history, everything, user="entered_by_id", when="created_at")
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
            records = with_history(table, history, rows, user=user, when=when)
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
        occurred = between(rng, p.reviewed, now - timedelta(hours=1))
        kind = pick(rng, [("purchase", 0.55), ("payment", 0.15), ("top_up", 0.3)])
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
        at = between(rng, original[position["occurred_at"]], now - timedelta(minutes=30))
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
        occurred = between(rng, p.created, now - timedelta(hours=2))
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
        received = between(rng, p.reviewed, now - timedelta(hours=1))
        severity = pick(rng, [("normal", 0.6), ("low", 0.2), ("high", 0.15), ("critical", 0.05)])
        due = received + timedelta(hours=settings.CRM_COMPLAINT_SLA_HOURS[severity])
        old = now - received > timedelta(days=30)
        status = pick(
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
            surveyed_at=between(rng, p.reviewed, self.now - timedelta(hours=1)),
            service_quality=pick(rng, [(5, 0.45), (4, 0.35), (3, 0.15), (2, 0.05)]),
            price=pick(rng, [(5, 0.3), (4, 0.4), (3, 0.25), (1, 0.05)]),
            overall=pick(rng, [(5, 0.4), (4, 0.4), (3, 0.15), (2, 0.05)]),
            comment="",
            recorded_by_id=p.owner,
        )
