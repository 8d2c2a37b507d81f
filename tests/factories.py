"""factory_boy factories. Customers are made through the services, so every
factory-made record has passed the same rules as a typed one."""

from __future__ import annotations

import random
from datetime import date, timedelta

import factory
from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import Department, User
from customers import services
from customers.models import Customer


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("correct-horse-battery")


def make_resident_id(born: date = date(1990, 3, 7), *, place: str = "110105", sequence: int = 123) -> str:
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(seed: int = 0) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rng = random.Random(seed)
    body = "91110105" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def make_bank_account(seed: int = 0) -> str:
    rng = random.Random(seed)
    body = "6222" + "".join(str(rng.randrange(10)) for _ in range(14))
    return body + luhn.calc_check_digit(body)


def individual_fields(n: int = 0, **overrides) -> dict:
    """Valid input for a natural person, as a clerk would type it."""
    born = date(1960, 1, 1) + timedelta(days=n * 37 % 15000)
    fields = {
        "kind": "individual",
        "name": f"张{n}",
        "id_type": "resident_id",
        "id_number": make_resident_id(born, sequence=n % 1000),
        "mobile": f"+86138{n % 10**8:08d}",
        "bank_account": make_bank_account(n),
        **consent_fields(),
    }
    fields.update(overrides)
    return fields


def organization_fields(n: int = 0, **overrides) -> dict:
    fields = {
        "kind": "organization",
        "name": f"华信科技{n}有限公司",
        "id_type": "uscc",
        "id_number": make_uscc(n),
        "contact_person": "王经理",
        "phone": "+861065529988",
        **consent_fields(),
    }
    fields.update(overrides)
    return fields


def consent_fields() -> dict:
    return {
        "consent_purpose": "开户及客户服务",
        "consent_at": timezone.now() - timedelta(days=1),
        "retention_until": timezone.localdate() + timedelta(days=365 * 5),
    }


class CustomerFactory(factory.Factory):
    """`CustomerFactory(actor=clerk)` → a saved draft, made through
    `customer_create`, so it has passed every rule a typed record passes.
    `CustomerFactory(actor=clerk, organization=True, name=…)` overrides fields."""

    class Meta:
        model = Customer

    n = factory.Sequence(lambda n: n + 1)
    organization = False

    @classmethod
    def _create(cls, model_class, *, n: int, actor: User, organization: bool = False, tags=(), **overrides):
        make = organization_fields if organization else individual_fields
        return services.customer_create(actor=actor, fields=make(n, **overrides), tags=tags)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Customers are only made through services.customer_create.")
