"""The seeded company: departments of different sizes, their staff, the product catalogue."""

from __future__ import annotations

import bisect
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts.models import Department, Role, User
from core.sample_names import GIVEN, SURNAMES
from customers.models import Customer
from transactions.models import Product

USER_PREFIX = "seed"
DEPARTMENT_PREFIX = "seed-"
DEFAULT_PASSWORD = "custodian-demo"  # noqa: S105 — the documented demo password (SPEC §6)
REGIONS = ["华北", "华东", "华南", "华中", "西南", "西北", "东北"]
LINES = ["零售客户", "对公客户", "私人银行"]
PRODUCTS = [
    ("SEED-001", "活期理财", "1000.00"),
    ("SEED-002", "定期存单", "10000.00"),
    ("SEED-003", "信用卡年费", "300.00"),
    ("SEED-004", "基金定投", "500.00"),
    ("SEED-005", "保险产品", "3600.00"),
    ("SEED-006", "贵金属", "4800.00"),
]


@dataclass
class Company:
    departments: list[int]
    cumulative: list[float]  # department shares, cumulated, for a weighted pick
    clerks: dict[int, list[int]]
    reviewers: dict[int, list[int]]
    managers: dict[int, list[int]]
    clerk_ids: list[int] = field(default_factory=list)

    def department(self, rng: random.Random) -> int:
        return self.departments[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _department_names(count: int) -> list[str]:
    names = [f"{region}{line}部" for line in LINES for region in REGIONS]
    return [names[i] if i < len(names) else f"{names[i % len(names)]}{i // len(names) + 1}" for i in range(count)]


def company_build(departments: int = 20) -> Company:
    """Departments `seed-01` … of Zipf-like sizes, each with clerks (more in larger
    departments), reviewers, managers and a security officer. Idempotent: what
    exists is reused, nothing is made twice."""
    shares = [1 / (i + 1) ** 0.8 for i in range(departments)]
    total = sum(shares)
    groups = {role: Group.objects.get(name=role) for role in Role.values}
    password = None
    out = Company([], [], {}, {}, {})
    running = 0.0
    for index, (name, share) in enumerate(zip(_department_names(departments), shares, strict=True), start=1):
        department, _created = Department.objects.get_or_create(
            code=f"{DEPARTMENT_PREFIX}{index:02d}", defaults={"name": f"{name}（{index:02d}）"}
        )
        clerks = max(2, round(share / total * departments * 6))
        staff = {
            Role.CLERK: clerks,
            Role.REVIEWER: max(1, clerks // 3),
            Role.MANAGER: 1 + (clerks >= 10),
            Role.SECURITY_OFFICER: 1,
        }
        members: dict[str, list[int]] = {}
        for role, count in staff.items():
            for k in range(1, count + 1):
                username = f"{USER_PREFIX}{index:02d}_{role}{k:02d}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    # One hash for all: hashing ~200 passwords would take minutes.
                    password = password or make_password(os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD)
                    user = User.objects.create(
                        username=username,
                        password=password,
                        last_name=SURNAMES[(index * 7 + k) % len(SURNAMES)],
                        first_name=GIVEN[(index * 3 + k * 5) % len(GIVEN)],
                        department=department,
                        is_staff=role in (Role.MANAGER, Role.SECURITY_OFFICER),
                    )
                    user.groups.add(groups[role])
                members.setdefault(role, []).append(user.pk)
        running += share
        out.departments.append(department.pk)
        out.cumulative.append(running)
        out.clerks[department.pk] = members[Role.CLERK]
        out.reviewers[department.pk] = members[Role.REVIEWER]
        out.managers[department.pk] = members[Role.MANAGER]
        out.clerk_ids += members[Role.CLERK]
    return out


def seeded_count(company: Company) -> int:
    """How many seeded customers exist: those made by the seed's clerks (each
    batch commits whole, so this is where the next run starts)."""
    return Customer.objects.filter(entered_by_id__in=company.clerk_ids).count()


def products_ensure() -> None:
    for sku, name, price in PRODUCTS:
        Product.objects.get_or_create(sku=sku, defaults={"name": name, "unit_price": Decimal(price)})
