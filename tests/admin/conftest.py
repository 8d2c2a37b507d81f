"""Rows of every business model in two departments, and the admin's URLs for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from interactions import services as interaction_services
from tests.factories import CustomerFactory, UserFactory
from transactions import services as transaction_services
from transactions.models import Product

# The business models the admin shows, by their admin URL name.
BUSINESS = ["customer", "transaction", "order", "contract", "interaction", "complaint", "feedback"]
APP = {
    "customer": "customers",
    "transaction": "transactions",
    "order": "transactions",
    "contract": "transactions",
    "interaction": "interactions",
    "complaint": "interactions",
    "feedback": "interactions",
    "product": "transactions",
}


def _member(username: str, role: str, department) -> object:
    user = UserFactory(username=username, department=department)
    user.groups.add(Group.objects.get(name=role))
    return user


def _rows_of(clerk, reviewer, n: int) -> dict[str, Model]:
    """One row of each business model, entered by `clerk`, for an approved customer."""
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=n))
    customer = customer_services.customer_approve(actor=reviewer, customer=pending)
    now = timezone.now()
    return {
        "customer": customer,
        "transaction": transaction_services.transaction_create(
            actor=clerk,
            customer=customer,
            fields={"kind": "purchase", "occurred_at": now - timedelta(days=1), "amount": Decimal("100.00")},
        ),
        "order": transaction_services.order_create(actor=clerk, customer=customer, order_no=f"DD-{n}"),
        "contract": transaction_services.contract_create(
            actor=clerk,
            customer=customer,
            fields={
                "contract_no": f"HT-{n}",
                "title": "年度服务",
                "signed_on": now.date(),
                "amount": Decimal("5000.00"),
                "starts_on": now.date(),
                "ends_on": now.date() + timedelta(days=365),
            },
        ),
        "interaction": interaction_services.interaction_log(
            actor=clerk,
            customer=customer,
            fields={
                "occurred_at": now - timedelta(hours=3),
                "channel": "phone",
                "direction": "outbound",
                "kind": "consultation",
                "summary": f"回访{n}",
            },
        ),
        "complaint": interaction_services.complaint_receive(
            actor=clerk,
            customer=customer,
            fields={
                "received_at": now - timedelta(hours=1),
                "channel": "phone",
                "category": "service",
                "severity": "normal",
                "content": "营业厅服务态度差",
            },
        ),
        "feedback": interaction_services.feedback_record(
            actor=clerk,
            customer=customer,
            fields={"surveyed_at": now - timedelta(hours=2), "service_quality": 5, "price": 4, "overall": 5},
        ),
    }


@pytest.fixture
def rows(clerk, reviewer, other_department) -> dict[str, dict[str, Model]]:
    """`rows["home"][model]`: a row of the manager's department; `rows["far"][model]`:
    one of the other department."""
    far_clerk = _member("far_clerk", "clerk", other_department)
    far_reviewer = _member("far_reviewer", "reviewer", other_department)
    return {"home": _rows_of(clerk, reviewer, 1), "far": _rows_of(far_clerk, far_reviewer, 2)}


@pytest.fixture
def product(db) -> Product:
    product = Product(sku="P-1", name="理财顾问服务", unit_price=Decimal("99.00"))
    product.save()
    return product


@pytest.fixture
def superuser(db):
    """A technical superuser with no role and no department (SPEC §1)."""
    return UserFactory(username="root", department=None, is_superuser=True, is_staff=True)


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:{APP[model]}_{model}_{view}", args=args)


def history_form_url(row: Model) -> str:
    name = row._meta.model_name
    return admin_url(name, "simple_history", row.pk, row.history.latest().history_id)


@dataclass(frozen=True)
class Snapshot:
    """A row as stored, its trail and the admin's own log: what a refused POST
    must leave exactly as it was."""

    values: dict
    versions: int
    admin_log: int


def _stored(value):
    return getattr(value, "token", value)  # an encrypted value: its ciphertext


def snapshot(row: Model) -> Snapshot:
    model = type(row)
    return Snapshot(
        values={name: _stored(value) for name, value in model.objects.filter(pk=row.pk).values().get().items()},
        versions=model.history.filter(**{model._meta.pk.attname: row.pk}).count(),
        admin_log=LogEntry.objects.count(),
    )


def forged_post(row: Model) -> dict:
    """What a forger posts to an admin form of `row`: every field of the form
    django-simple-history would build for it, as the browser would send it, with
    the row's text rewritten and every button the history form ever had."""
    from django.contrib import admin
    from django.contrib.auth.models import AnonymousUser
    from django.forms import CheckboxInput, MultiWidget
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()  # the form is built for a change, whoever asks
    model_admin = admin.site._registry[type(row)]
    form = model_admin.get_form(request, row)(instance=row)
    data = {"_save": "Revert", "_change_history": "Change History"}
    for name, bound in form._bound_items():
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(item.pk if hasattr(item, "pk") else item) for item in value]
        elif value is not None:
            data[name] = str(value)
    for name in ("name", "summary", "content", "title", "note", "comment"):
        if name in data:
            data[name] = "改写"
    return data
