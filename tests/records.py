"""The fields of everyday business rows, for tests that need a contract, a contact,
a transaction, a complaint or a survey and do not care which: one set of values, written once."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone


def _yesterday() -> datetime:
    return timezone.now() - timedelta(days=1)


def contract_fields(number: str, *, signed_days_ago: int = 30, **extra) -> dict:
    today = timezone.localdate()
    return {
        "contract_no": number,
        "title": "年度服务合同",
        "signed_on": today - timedelta(days=signed_days_ago),
        "amount": Decimal("5000.00"),
        "currency": "CNY",
        "starts_on": today - timedelta(days=signed_days_ago),
        "ends_on": today + timedelta(days=365 - signed_days_ago),
        **extra,
    }


def transaction_fields(**extra) -> dict:
    return {"kind": "purchase", "occurred_at": _yesterday(), "amount": Decimal("100.00"), **extra}


def contact_fields(**extra) -> dict:
    return {
        "occurred_at": _yesterday(),
        "channel": "phone",
        "direction": "outbound",
        "kind": "consultation",
        "summary": "回访",
        "content": "客户询问产品",
        **extra,
    }


def complaint_fields(**extra) -> dict:
    return {
        "received_at": _yesterday(),
        "channel": "phone",
        "category": "service",
        "severity": "normal",
        "content": "营业厅服务态度差",
        **extra,
    }


def survey_fields(**extra) -> dict:
    return {"surveyed_at": _yesterday(), "service_quality": 4, "price": 3, "overall": 4, "comment": "满意", **extra}
