"""Demo business for `seed_demo`: products, orders, contracts and a year of
transactions per approved demo customer, reversals among them — all through the
services, so every row has passed the same rules and review as a typed one."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Kind
from customers.models import Status as CustomerStatus
from transactions import services
from transactions.models import OrderStatus, PaymentMethod, Product

PRODUCTS = [
    ("FIN-101", "稳健理财计划", "10000.00"),
    ("FIN-202", "养老规划咨询", "2800.00"),
    ("INS-300", "家庭综合保险", "4680.00"),
    ("SVC-010", "年度会员服务", "398.00"),
    ("SVC-020", "上门安装服务", "150.00"),
    ("EDU-500", "财商课程", "1299.00"),
]
ORDER_PATHS = [
    [],
    [OrderStatus.CONFIRMED],
    [OrderStatus.CONFIRMED, OrderStatus.SHIPPED],
    [OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.COMPLETED],
    [OrderStatus.CANCELLED],
]


def seed_business(users: dict[str, User], rng: random.Random) -> dict[str, int]:
    products = [
        Product.objects.get_or_create(sku=sku, defaults={"name": name, "unit_price": Decimal(price)})[0]
        for sku, name, price in PRODUCTS
    ]
    counts = {"transactions": 0, "reversals": 0, "orders": 0, "contracts": 0}
    now = timezone.now()
    customers = Customer.objects.filter(status=CustomerStatus.APPROVED).select_related("entered_by", "department")
    for customer in customers.order_by("id"):
        clerk = customer.entered_by
        reviewer = users["reviewer1"] if customer.department.code == "retail" else users["reviewer2"]
        for n, path in enumerate(rng.sample(ORDER_PATHS, k=2)):
            order = services.order_create(
                actor=clerk, customer=customer, order_no=f"DD{customer.pk:05d}{n + 1:02d}", note="电话下单"
            )
            for status in path:
                order = services.order_move(actor=clerk, order=order, to=status)
            counts["orders"] += 1
        if customer.kind == Kind.ORGANIZATION:
            signed = timezone.localdate() - timedelta(days=rng.randrange(30, 300))
            services.contract_create(
                actor=clerk,
                customer=customer,
                fields={
                    "contract_no": f"HT{customer.pk:06d}",
                    "title": "年度综合服务协议",
                    "signed_on": signed,
                    "amount": Decimal(rng.randrange(50, 500) * 1000),
                    "currency": "CNY",
                    "starts_on": signed,
                    "ends_on": signed + timedelta(days=365),
                },
            )
            counts["contracts"] += 1
        # A year of business, oldest first, so reversals follow what they reverse.
        moments = sorted(now - timedelta(days=rng.uniform(1, 365)) for _ in range(rng.randint(6, 12)))
        approved = []
        for index, moment in enumerate(moments):
            kind = rng.choice(["purchase", "purchase", "payment", "top_up"])
            product = rng.choice(products) if kind == "purchase" else None
            quantity = rng.randint(1, 3) if product else None
            amount = product.unit_price * quantity if product else Decimal(rng.randrange(100, 5000))
            fields = {
                "kind": kind,
                "occurred_at": moment,
                "amount": amount,
                "product": product,
                "quantity": quantity,
                "payment_method": rng.choice(PaymentMethod.values),
                "note": "依据收款凭证录入",
            }
            txn = services.transaction_create(actor=clerk, customer=customer, fields=fields)
            if index == len(moments) - 1:
                services.transaction_submit(actor=clerk, txn=txn)  # the newest waits for review
                counts["transactions"] += 1
                continue
            txn = services.transaction_approve(actor=reviewer, txn=services.transaction_submit(actor=clerk, txn=txn))
            approved.append(txn)
            counts["transactions"] += 1
        if approved and rng.random() < 0.5:
            original = rng.choice(approved)
            part = (original.amount * Decimal(rng.choice(["0.25", "0.5", "1"]))).quantize(Decimal("0.01"))
            reversal = services.transaction_create(
                actor=clerk,
                customer=customer,
                fields={
                    "kind": "return" if original.kind == "purchase" else "refund",
                    "original": original,
                    "occurred_at": min(original.occurred_at + timedelta(days=rng.randint(1, 10)), now),
                    "amount": part,
                    "payment_method": original.payment_method,
                    "note": "客户退货/退款，依据退款凭证",
                },
            )
            services.transaction_approve(actor=reviewer, txn=services.transaction_submit(actor=clerk, txn=reversal))
            counts["reversals"] += 1
    return counts
