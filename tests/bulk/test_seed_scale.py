"""`seed_scale N`: realistic customers in realistic shares, through the model's
rules and encryption, resumable, and a database the application keeps working on."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from bulk import seeding
from bulk.benchdata import SEED_HEADERS, seed_cells
from customers import services
from customers.models import Customer, CustomerUserObjectPermission, Status, Tier
from interactions.models import Complaint, Feedback, Interaction
from review.models import ReviewDecision
from transactions.models import Transaction
from vault.crypto import blind_index
from vault.models import DataKey

pytestmark = pytest.mark.django_db
ID_COLUMN = SEED_HEADERS.index("id_number")


def seed(n: int, *args: str, capsys=None) -> dict:
    call_command("seed_scale", n, "--workers", "0", "--batch-size", "60", "--no-progress", "--json", *args)
    if capsys is not None:
        return json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return {}


def seeded() -> list[Customer]:
    return list(Customer.objects.filter(department__code__startswith="seed-").order_by("id"))


def test_seed_scale_makes_customers_in_realistic_shares_across_departments_of_different_sizes(capsys):
    summary = seed(600, capsys=capsys)
    customers = seeded()
    assert len(customers) == summary["customers"] == 600
    statuses = Counter(c.status for c in customers)
    assert 0.75 < statuses[Status.APPROVED] / 600 < 0.95
    assert statuses[Status.PENDING] and statuses[Status.RETURNED] and statuses[Status.DRAFT]
    assert set(statuses) == {Status.APPROVED, Status.PENDING, Status.RETURNED, Status.DRAFT}
    assert summary["statuses"] == dict(statuses)
    kinds = Counter(c.kind for c in customers)
    assert 0.05 < kinds["organization"] / 600 < 0.2
    per_department = Counter(c.department_id for c in customers)
    assert Department.objects.filter(code__startswith="seed-").count() == 20
    assert max(per_department.values()) > 4 * min(per_department.values())
    # Several clerks per department, and owners are not always the makers.
    assert len({c.entered_by_id for c in customers}) > 40
    assert any(c.owner_id != c.entered_by_id for c in customers)
    assert all(c.owner.department_id == c.department_id == c.entered_by.department_id for c in customers)


def test_seeded_review_states_carry_their_checkers_and_decisions():
    seed(400)
    customers = seeded()
    for customer in customers:
        if customer.status == Status.APPROVED:
            assert customer.reviewed_by_id not in (None, customer.entered_by_id)
            assert customer.contact_verified_at == customer.reviewed_at
            assert customer.reviewed_by.groups.filter(name="reviewer").exists()
            if customer.tier == Tier.KEY:
                assert customer.second_reviewed_by_id not in (None, customer.entered_by_id, customer.reviewed_by_id)
        elif customer.status == Status.DRAFT:
            assert customer.entered_at is None and customer.reviewed_by_id is None
        elif customer.status == Status.PENDING:
            assert customer.entered_at is not None and customer.reviewed_by_id is None
    decided = [c for c in customers if c.status in (Status.APPROVED, Status.RETURNED)]
    assert ReviewDecision.objects.filter(object_id__in=[c.pk for c in decided]).values(
        "object_id"
    ).distinct().count() == len(decided)


def test_seeded_customers_decrypt_and_pass_full_clean():
    seed(300)
    customers = seeded()
    for customer in customers[::7]:
        customer.full_clean()
        assert customer.id_number and len(customer.id_number) == 18
        if customer.bank_account_index:
            assert customer.bank_account.isdigit()
    assert DataKey.objects.filter(pk__in=[c.data_key_id for c in customers]).count() == len(customers)
    assert len({c.id_number_index for c in customers}) == len(customers)


def test_seeded_customers_have_their_related_rows_with_history_and_rights():
    seed(400)
    customers = seeded()
    approved = {c.pk for c in customers if c.status == Status.APPROVED}
    transactions = list(Transaction.objects.filter(customer__in=customers))
    assert {t.customer_id for t in transactions} <= approved
    assert len(transactions) > 2 * len(approved)
    reversals = [t for t in transactions if t.original_id]
    assert reversals and all(r.kind in ("return", "refund") and r.amount <= r.original.amount for r in reversals)
    for t in transactions[::40] + reversals[:5]:
        t.full_clean()
    heavy = Counter(t.customer_id for t in transactions).most_common(1)[0][1]
    assert heavy >= seeding.HEAVY_TRANSACTIONS
    assert Transaction.history.model.objects.filter(id__in=[t.pk for t in transactions]).count() == len(transactions)
    assert Interaction.objects.filter(customer__in=customers).count() > len(customers)
    assert Complaint.objects.filter(customer__in=customers).exists()
    assert Feedback.objects.filter(customer__in=customers).exists()
    history = Counter(
        Customer.history.model.objects.filter(id__in=[c.pk for c in customers]).values_list("id", flat=True)
    )
    assert all(history[c.pk] == (1 if c.status == Status.DRAFT else 2) for c in customers)
    rights = CustomerUserObjectPermission.objects.filter(content_object__in=customers)
    for customer in customers[::25]:
        codenames = set(
            rights.filter(content_object=customer, user=customer.entered_by).values_list(
                "permission__codename", flat=True
            )
        )
        assert codenames == {"view_customer", "change_customer"}
        if customer.owner_id != customer.entered_by_id:
            assert rights.filter(content_object=customer, user=customer.owner).exists()


def test_a_second_run_adds_nothing_and_keeps_users_and_departments(capsys):
    seed(200)
    users, departments = User.objects.count(), Department.objects.count()
    before = list(Customer.objects.order_by("id").values_list("id", "archive_no"))
    summary = seed(200, capsys=capsys)
    assert summary["made"] == 0
    assert list(Customer.objects.order_by("id").values_list("id", "archive_no")) == before
    assert (User.objects.count(), Department.objects.count()) == (users, departments)


def test_an_interrupted_run_is_completed_by_the_next_with_the_same_customers(monkeypatch):
    seed(180)
    first = {c.id_number_index: c.archive_no for c in seeded()}
    written = []
    original = seeding.Seeder._business

    def crash_on_third_batch(self, placed, ids):
        written.append(len(ids))
        if len(written) == 3:
            raise RuntimeError("killed")
        return original(self, placed, ids)

    monkeypatch.setattr(seeding.Seeder, "_business", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        seed(360)
    assert len(seeded()) == 180 + 2 * 60  # two batches committed whole; the third rolled back
    monkeypatch.setattr(seeding.Seeder, "_business", original)
    seed(360)
    customers = seeded()
    assert len(customers) == 360
    assert len({c.id_number_index for c in customers}) == 360
    assert len({c.archive_no for c in customers}) == 360
    assert {c.id_number_index: c.archive_no for c in customers[:180]} == first
    # Customer n is the same customer whichever run made it.
    expected = {blind_index("id_number", seed_cells(n, date(2025, 1, 2))[ID_COLUMN]) for n in range(360)}
    assert {c.id_number_index for c in customers} == expected


def test_the_application_works_on_a_seeded_database():
    seed(120)
    clerk = User.objects.filter(username__startswith="seed01_clerk").first()
    last = Customer.objects.order_by("-id").first()
    customer = services.customer_create(
        actor=clerk,
        fields={
            "kind": "individual",
            "name": "新客户",
            "mobile": "13912345678",
            "consent_purpose": "开户",
            "consent_at": last.created_at,
        },
        reason="test",
    )
    assert customer.pk > last.pk
    assert customer.archive_no not in set(Customer.objects.exclude(pk=customer.pk).values_list("archive_no", flat=True))
