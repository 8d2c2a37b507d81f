"""Completeness per kind and per dimension, with what is missing named (issue 20 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from insight.completeness import ITEMS, missing_labels
from insight.models import CustomerScore, DepartmentFigures
from insight.refresh import snapshot_refresh
from insight.selectors import department_completeness
from tests.factories import CustomerFactory
from tests.insight.helpers import approved, booked, contacted, surveyed
from transactions import services as txn_services

pytestmark = pytest.mark.django_db


def _row(snapshot, customer) -> CustomerScore:
    return CustomerScore.objects.get(snapshot=snapshot, customer=customer)


def _missing(row: CustomerScore) -> set[str]:
    return set(filter(None, row.missing.split(",")))


def test_an_individual_is_measured_on_the_individual_fields_and_named_what_it_lacks(clerk):
    person = CustomerFactory(actor=clerk, email="li@example.com", occupation="教师")

    row = _row(snapshot_refresh(), person)

    # 12 basic items apply to a person; the form filled name, ID (and from it gender and
    # birth date), mobile, e-mail, occupation and consent.
    assert (row.basic_filled, row.basic_applicable) == (8, 12)
    assert _missing(row) >= {"address", "education", "customer_nature", "source_channel"}
    assert not _missing(row) & {"name", "id_number", "gender", "birth_date", "mobile", "email", "occupation"}
    assert not _missing(row) & {"contact_person", "industry", "contracts"}  # organisations' items do not apply
    assert (row.business_applicable, row.contacts_applicable) == (3, 3)


def test_an_organisation_is_measured_on_the_organisation_fields(clerk):
    company = CustomerFactory(actor=clerk, organization=True, industry="C", enterprise_nature="private")

    row = _row(snapshot_refresh(), company)

    assert row.basic_applicable == 14
    assert _missing(row) >= {"legal_representative", "founded_on", "registered_capital", "email", "address"}
    assert not _missing(row) & {"name", "id_number", "contact_person", "phone", "industry", "enterprise_nature"}
    assert not _missing(row) & {"gender", "birth_date", "education"}  # a person's items do not apply
    assert row.business_applicable == 4  # a contract applies to an organisation
    assert "contracts" in _missing(row)


def test_business_and_contacts_count_what_happened_in_the_window(clerk, reviewer):
    customer = approved(clerk, reviewer)
    now = timezone.now()
    booked(clerk, reviewer, customer, now - timedelta(days=3), "80.00")
    txn_services.order_create(actor=clerk, customer=customer, order_no="DD-1")
    contacted(clerk, customer, now - timedelta(days=2))
    surveyed(clerk, customer, now - timedelta(days=1), overall=5)

    row = _row(snapshot_refresh(), customer)

    assert (row.business_filled, row.business_applicable) == (2, 3)  # no product on the transaction
    assert {"transactions", "orders"}.isdisjoint(_missing(row)) and "products" in _missing(row)
    # Approval verified the contact details just now.
    assert (row.contacts_filled, row.contacts_applicable) == (3, 3)
    basic = 100 * row.basic_filled / row.basic_applicable
    assert row.completeness == round((basic + 100 * 2 / 3 + 100) / 3)


def test_missing_codes_read_as_labels_by_dimension():
    with translation.override("en"):
        labels = {key: [str(x) for x in value] for key, value in missing_labels("email,orders,verified,x").items()}
    assert labels == {
        "basic": ["e-mail"],
        "business": ["an order"],
        "contacts": ["contact details verified within the re-verification period"],
    }


def test_every_rule_has_a_unique_code():
    codes = [item.code for item in ITEMS]
    assert len(codes) == len(set(codes))


def test_the_department_average_is_kept_for_the_reports(clerk, department, other_department):
    first = CustomerFactory(actor=clerk)
    second = CustomerFactory(actor=clerk, email="a@example.com", address="长安街1号", occupation="工程师")

    snapshot = snapshot_refresh()

    rows = [_row(snapshot, first), _row(snapshot, second)]
    figures = department_completeness(department_id=department.pk)
    assert isinstance(figures, DepartmentFigures) and figures.customers == 2
    assert figures.completeness == pytest.approx(sum(r.completeness for r in rows) / 2)
    assert figures.incomplete == 2  # both below the 80 % threshold
    assert department_completeness(department_id=other_department.pk).customers == 0
