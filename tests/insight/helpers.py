"""Rows for the insight tests, made through the services as a clerk would."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from customers import services as customer_services
from interactions import services as interaction_services
from tests.factories import CustomerFactory, UserFactory
from transactions import services as txn_services


def person(username: str, role: str, department, **extra):
    user = UserFactory(username=username, department=department, **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


def approved(clerk, reviewer, **fields):
    draft = CustomerFactory(actor=clerk, **fields)
    pending = customer_services.customer_submit(actor=clerk, customer=draft)
    return customer_services.customer_approve(actor=reviewer, customer=pending)


def booked(clerk, reviewer, customer, at: datetime, amount: str, **fields):
    """An approved transaction (a purchase unless `kind` says otherwise)."""
    values = {"kind": "purchase", "occurred_at": at, "amount": Decimal(amount), **fields}
    txn = txn_services.transaction_create(actor=clerk, customer=customer, fields=values)
    txn = txn_services.transaction_submit(actor=clerk, txn=txn)
    return txn_services.transaction_approve(actor=reviewer, txn=txn)


def contacted(clerk, customer, at: datetime, kind: str = "consultation"):
    fields = {"channel": "phone", "direction": "inbound", "occurred_at": at, "kind": kind, "summary": "咨询理财产品"}
    return interaction_services.interaction_log(actor=clerk, customer=customer, fields=fields)


def surveyed(clerk, customer, at: datetime, overall: int):
    fields = {"surveyed_at": at, "service_quality": overall, "price": overall, "overall": overall}
    return interaction_services.feedback_record(actor=clerk, customer=customer, fields=fields)


def complained(clerk, customer, at: datetime):
    fields = {"received_at": at, "channel": "phone", "category": "service", "content": "等待时间过长", "handler": clerk}
    return interaction_services.complaint_receive(actor=clerk, customer=customer, fields=fields)
