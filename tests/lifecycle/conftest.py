"""A customer with personal values everywhere they can be stored, ready to destroy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer
from interactions import services as interaction_services
from lifecycle.models import DestructionBasis
from lifecycle.services import destruction
from tests.factories import CustomerFactory
from transactions import services as transaction_services

# The demo customer (issue 17, "Demo data").
SIMA = {
    "name": "司马远航",
    "id_number": "110101198001010037",
    "mobile": "+8613900001111",
    "email": "sima.yuanhang@example.cn",
    "bank_account": "6222020200112233446",
    "address": "北京市东城区示例胡同9号",
}
LATER_EMAIL = "yuanhang.sima@example.cn"
# Every value, as it would appear in a table's text.
SIMA_VALUES = ("司马远航", "110101198001010037", "13900001111", "sima.yuanhang@example.cn", LATER_EMAIL,
               "6222020200112233446", "北京市东城区示例胡同9号")  # fmt: skip


@dataclass
class Doomed:
    customer: Customer
    transaction_id: int


def _ago(days: int = 0, hours: int = 0):
    return timezone.now() - timedelta(days=days, hours=hours)


def make_doomed(*, clerk, reviewer, manager) -> Doomed:
    """Entered, returned with a note quoting the mobile, corrected, approved; a
    change applied (so the history holds two e-mails); contacts, a complaint, a
    survey, an order and an approved transaction, each quoting a value; retention passed."""
    fields = {
        **SIMA,
        "consent_at": _ago(days=2000),
        "retention_until": timezone.localdate() - timedelta(days=1),
    }
    customer = CustomerFactory(actor=clerk, **fields)
    customer = customer_services.customer_submit(actor=clerk, customer=customer)
    customer = customer_services.customer_return(
        actor=reviewer,
        customer=customer,
        reason="手机 13900001111 与证件不符",
        field_reasons={"mobile": "13900001111?"},
    )
    customer = customer_services.customer_update(actor=clerk, customer=customer, fields={"district": "东城区"})
    customer = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=customer)
    )
    change = customer_services.change_request_create(
        actor=clerk, customer=customer, fields={"email": LATER_EMAIL}, reason="司马远航 换了邮箱"
    )
    customer_services.change_request_approve(actor=reviewer, change=change)
    customer = Customer.objects.get(pk=customer.pk)
    interaction_services.interaction_log(
        actor=clerk,
        customer=customer,
        fields={
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": _ago(hours=3),
            "kind": "consultation",
            "summary": "司马远航 来电",
            "content": "回拨 13900001111",
        },  # fmt: skip
    )
    interaction_services.complaint_receive(
        actor=clerk,
        customer=customer,
        fields={
            "received_at": _ago(hours=2),
            "channel": "phone",
            "category": "delivery",
            "severity": "normal",
            "content": "寄到 北京市东城区示例胡同9号 的包裹丢失",
        },  # fmt: skip
    )
    interaction_services.feedback_record(
        actor=clerk,
        customer=customer,
        fields={
            "surveyed_at": _ago(hours=1),
            "service_quality": 4,
            "price": 3,
            "overall": 4,
            "comment": "司马远航 满意",
        },  # fmt: skip
    )
    transaction_services.order_create(actor=clerk, customer=customer, order_no="DD-SIMA-1", note="收件人 司马远航")
    txn = transaction_services.transaction_create(
        actor=clerk,
        customer=customer,
        fields={
            "kind": "purchase",
            "occurred_at": _ago(days=3),
            "amount": Decimal("1280.50"),
            "currency": "CNY",
            "payment_method": "bank_transfer",
            "note": "由 6222020200112233446 转账",
        },  # fmt: skip
    )
    txn = transaction_services.transaction_approve(
        actor=reviewer, txn=transaction_services.transaction_submit(actor=clerk, txn=txn)
    )
    return Doomed(customer=Customer.objects.get(pk=customer.pk), transaction_id=txn.pk)


@pytest.fixture
def doomed(clerk, reviewer, manager) -> Doomed:
    return make_doomed(clerk=clerk, reviewer=reviewer, manager=manager)


@pytest.fixture
def destruction_request(doomed, manager):
    return destruction.destruction_request(
        actor=manager, customer=doomed.customer, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
