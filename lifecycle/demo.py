"""Demo data of the record's life after approval for `seed_demo`, made through
the services: customers past retention, a legal hold, a destruction waiting for the
security officer, and 司马远航 — entered, approved, asked for and destroyed through
the real workflow, so none of the issue's values is left in the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric

from accounts.models import User
from customers import services as customer_services
from customers.models import Customer
from interactions import services as interaction_services
from lifecycle.models import DestructionBasis
from lifecycle.services import destruction, holds
from transactions import services as transaction_services

# Issue 17, "Demo data": the values that must be nowhere in the database afterwards.
SIMA = {
    "kind": "individual",
    "name": "司马远航",
    "id_type": "resident_id",
    "id_number": "110101198001010037",
    "mobile": "+8613900001111",
    "email": "sima.yuanhang@example.cn",
    "bank_account": "6222020200112233446",
    "province": "北京市",
    "city": "北京市",
    "district": "东城区",
    "address": "北京市东城区示例胡同9号",
}
EXPIRED = [("欧阳晓", "19750312", "+8613700002201"), ("诸葛明", "19680705", "+8613700002202"),
           ("上官雪", "19820921", "+8613700002203"), ("东方朔", "19710130", "+8613700002204")]  # fmt: skip


def _resident_id(born: str, sequence: int) -> str:
    body = f"110101{born}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the 17 digits of an 18-digit number


def _approved(users: dict[str, User], fields: dict, *, years_ago: int, keep_years: int) -> Customer:
    consent_at = timezone.now() - timedelta(days=365 * years_ago)
    fields = {
        **fields,
        "consent_purpose": "开户及客户服务",
        "consent_at": consent_at,
        "retention_until": timezone.localdate(consent_at) + timedelta(days=365 * keep_years),
    }
    clerk = users["clerk1"]
    customer = customer_services.customer_create(actor=clerk, fields=fields, reason="演示数据")
    customer = customer_services.customer_submit(actor=clerk, customer=customer)
    return customer_services.customer_approve(actor=users["reviewer1"], customer=customer)


def _sima(users: dict[str, User]) -> Customer:
    customer = _approved(users, SIMA, years_ago=3, keep_years=10)
    interaction_services.interaction_log(
        actor=users["clerk1"],
        customer=customer,
        fields={
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": timezone.now() - timedelta(days=2),
            "kind": "consultation",
            "summary": "客户来电要求删除个人信息",
            "content": "司马远航 来电（13900001111），要求删除其全部个人信息。",
        },  # fmt: skip
    )
    txn = transaction_services.transaction_create(
        actor=users["clerk1"],
        customer=customer,
        fields={
            "kind": "purchase",
            "occurred_at": timezone.now() - timedelta(days=400),
            "amount": Decimal("3600.00"),
            "payment_method": "bank_transfer",
            "note": "司马远航 年费",
        },  # fmt: skip
    )
    transaction_services.transaction_approve(
        actor=users["reviewer1"], txn=transaction_services.transaction_submit(actor=users["clerk1"], txn=txn)
    )
    request = destruction.destruction_request(
        actor=users["manager1"],
        customer=customer,
        basis=DestructionBasis.SUBJECT_REQUEST,
        reason="客户依《个人信息保护法》第四十七条要求删除，已核验身份",
    )
    destruction.destruction_approve(actor=users["security1"], request=request, note="无法定保存义务，同意销毁")
    return customer


def seed_lifecycle(users: dict[str, User]) -> dict[str, int]:
    expired = [
        _approved(
            users,
            {
                "kind": "individual",
                "name": name,
                "id_type": "resident_id",
                "id_number": _resident_id(born, 11 + 2 * i),
                "mobile": mobile,
            },  # fmt: skip
            years_ago=6,
            keep_years=5,
        )
        for i, (name, born, mobile) in enumerate(EXPIRED)
    ]
    holds.legal_hold_place(actor=users["manager1"], customer=expired[0], reason="客户投诉尚未处理完毕，暂停销毁")
    destruction.destruction_request(
        actor=users["manager1"], customer=expired[1], basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    _sima(users)
    return {"expired": len(expired), "holds": 1, "waiting": 1, "destroyed": 1}
