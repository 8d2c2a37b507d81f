"""A small world for the API's matrix: two departments, each with a clerk's
approved customer and its rows, and a customer entered through the department's
"enter" token (its system account is the maker) with rows of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from api import services as api_services
from api.models import ApiToken
from customers import services as customer_services
from customers.models import Customer
from interactions import services as interaction_services
from tests.factories import CustomerFactory, UserFactory
from tests.records import complaint_fields, contact_fields, survey_fields, transaction_fields
from transactions import services as transaction_services
from transactions.models import Product

MISSING = 987_654_321


@dataclass
class Rows:
    customer: Customer
    transaction: object
    contact: object
    complaint: object
    survey: object

    def by_route(self, product: Product) -> dict[str, int]:
        return {
            "api:customer": self.customer.pk,
            "api:customer_reveal": self.customer.pk,
            "api:customer_grant_request": self.customer.pk,
            "api:transaction": self.transaction.pk,
            "api:contact": self.contact.pk,
            "api:complaint": self.complaint.pk,
            "api:survey": self.survey.pk,
            "api:product": product.pk,
        }


@dataclass
class Side:
    department: Department
    manager: User
    clerks_rows: Rows  # what a reader token sees
    system_rows: Rows  # what the enter token's system account made
    tokens: dict[str, tuple[ApiToken, str]] = field(default_factory=dict)

    @property
    def archive_numbers(self) -> set[str]:
        return set(Customer.objects.filter(department=self.department).values_list("archive_no", flat=True))

    def rows_of(self, kind: str) -> Rows:
        return self.system_rows if kind == "enter" else self.clerks_rows


def _member(username: str, role: str, department: Department) -> User:
    user = UserFactory(username=username, department=department)
    user.groups.add(Group.objects.get(name=role))
    return user


def _rows(maker: User, reviewer: User, n: int) -> Rows:
    customer = customer_services.customer_submit(actor=maker, customer=CustomerFactory(actor=maker, n=n))
    customer = customer_services.customer_approve(actor=reviewer, customer=customer)
    txn = transaction_services.transaction_create(actor=maker, customer=customer, fields=transaction_fields())
    contact = interaction_services.interaction_log(actor=maker, customer=customer, fields=contact_fields())
    complaint = interaction_services.complaint_receive(actor=maker, customer=customer, fields=complaint_fields())
    survey = interaction_services.feedback_record(actor=maker, customer=customer, fields=survey_fields())
    return Rows(customer, txn, contact, complaint, survey)


def build_side(department: Department, manager: User, n: int) -> Side:
    code = department.code
    clerk = _member(f"api_clerk_{code}", "clerk", department)
    reviewer = _member(f"api_reviewer_{code}", "reviewer", department)
    tokens = {
        "enter": api_services.token_create(actor=manager, system_name=f"网银{n}", role="enter"),
        "reader": api_services.token_create(actor=manager, system_name=f"仓库{n}", role="reader"),
    }
    side = Side(
        department=department,
        manager=manager,
        clerks_rows=_rows(clerk, reviewer, n),
        system_rows=_rows(tokens["enter"][0].account, reviewer, n + 1),
        tokens=tokens,
    )
    return side


@dataclass
class World:
    home: Side
    away: Side
    product: Product
    revoked: str
    expired: str


def build_world(*, manager: User, other_department_manager: User) -> World:
    product = Product.objects.create(sku="SKU-API", name="理财顾问服务", unit_price=Decimal("99.00"))
    home = build_side(manager.department, manager, 100)
    away = build_side(other_department_manager.department, other_department_manager, 200)
    revoked, revoked_secret = api_services.token_create(actor=manager, system_name="已吊销", role="reader")
    api_services.token_revoke(actor=manager, token=revoked)
    expired, expired_secret = api_services.token_create(actor=manager, system_name="已过期", role="reader")
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    return World(home=home, away=away, product=product, revoked=revoked_secret, expired=expired_secret)
