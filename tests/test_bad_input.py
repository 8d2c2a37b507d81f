"""SPEC §7: no input produces a server error — every form, query string and URL
answers junk with a clear message or a 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.forms import FORM_FIELDS
from customers.models import AccessGrant, Customer
from interactions.models import Complaint, Feedback, Interaction
from tests.factories import CustomerFactory, make_bank_account, make_resident_id
from transactions.models import Contract, Order, Transaction

JUNK = [
    "\x00",
    "a\x00b",
    "😀" * 50,
    "x" * 5000,
    "'; DROP TABLE customers_customer; --",
    "<script>alert(1)</script>",
    "%s %d {0}",
    "9" * 40,
    "-1",
    "2026-13-45",
    "1e309",
    "\u202e\u200b",
]


@pytest.fixture
def logged_in(client, clerk):
    client.force_login(clerk)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_search_and_filters_never_breaks_a_page(client, clerk, security_officer, junk):
    client.force_login(clerk)
    for url in (reverse("customers:list"), reverse("home")):
        # A query that reads as an ID or bank number is sent back to the search box (a redirect).
        assert client.get(url, {"q": junk, "page": junk}, follow=True).status_code == 200
    client.force_login(security_officer)
    for url in (reverse("audit:access_log"), reverse("audit:changes")):
        params = {"user": junk, "customer": junk, "action": junk, "since": junk, "until": junk, "page": junk}
        assert client.get(url, params).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_field_of_the_entry_form_is_answered_with_field_errors(logged_in, junk):
    data = dict.fromkeys(FORM_FIELDS, junk)
    response = logged_in.post(reverse("customers:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_grant_requests_and_reveals_is_refused_cleanly(logged_in, clerk, junk):
    customer = CustomerFactory(actor=clerk)
    response = logged_in.post(reverse("customers:grant_request", args=[customer.pk]), {"purpose": junk, "hours": junk})
    assert response.status_code in (200, 302)
    response = logged_in.post(
        reverse("customers:reveal", args=[customer.pk, "id_number"]),
        {"purpose": junk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/customers/99999999999999999999/",
        "/customers/0/edit/",
        "/customers/1/reveal/name/",
        "/customers/grants/1/explode/",
        "/admin/customers/customer/abc/change/",
        "/admin/customers/customer/99999999999999999999/history/",
    ],
)
def test_unknown_or_malformed_urls_are_not_found(client, manager, path):
    client.force_login(manager)
    response = client.post(path) if "reveal" in path or "grants" in path else client.get(path)
    assert response.status_code in (302, 404)


# A double click on submit (issue 14, item 8) -----------------------------------

GOOD_CUSTOMER = {
    "kind": "individual",
    "name": "张三",
    "id_type": "resident_id",
    "id_number": "110105 19900307 1239",
    "tier": "general",
    "lifecycle_stage": "prospect",
    "credit_status": "unknown",
    "mobile": "138 1234 5678",
    "consent_purpose": "开户",
    "consent_at": "2026-01-02T10:00",
    "retention_until": "2031-01-02",
}


def _token(response) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no one-time token"
    return match.group(1)


@pytest.fixture
def approved(clerk, reviewer):
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    return customer_services.customer_approve(actor=reviewer, customer=pending)


def _create_forms(approved) -> list[tuple[str, str, dict, type]]:
    """(persona, url, good data, model) for every create form of the app."""
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    on = f"?customer={approved.pk}"
    return [
        ("clerk", reverse("customers:create"), GOOD_CUSTOMER, Customer),
        (
            "clerk",
            reverse("transactions:create") + on,
            {"kind": "purchase", "occurred_at": when, "amount": "12.50", "currency": "CNY"},
            Transaction,
        ),
        ("clerk", reverse("transactions:order_create") + on, {"order_no": "DD-7", "note": ""}, Order),
        (
            "clerk",
            reverse("transactions:contract_create") + on,
            {
                "contract_no": "HT-7",
                "title": "年度服务",
                "signed_on": "2026-01-05",
                "starts_on": "2026-01-05",
                "ends_on": "2027-01-04",
                "amount": "1000",
                "currency": "CNY",
            },
            Contract,
        ),
        (
            "clerk",
            reverse("interactions:interaction_create") + on,
            {
                "occurred_at": when,
                "channel": "phone",
                "direction": "outbound",
                "kind": "consultation",
                "summary": "回访",
            },
            Interaction,
        ),
        (
            "clerk",
            reverse("interactions:complaint_create") + on,
            {"received_at": when, "channel": "phone", "category": "service", "severity": "normal", "content": "慢"},
            Complaint,
        ),
        (
            "clerk",
            reverse("interactions:feedback_create") + on,
            {"surveyed_at": when, "service_quality": "4", "price": "3", "overall": "4"},
            Feedback,
        ),
        (
            "reviewer",
            reverse("customers:grant_request", args=[approved.pk]),
            {"purpose": "核对身份", "hours": "24"},
            AccessGrant,
        ),
    ]


@pytest.mark.django_db
def test_the_same_create_form_sent_twice_makes_one_row_and_says_so(client, clerk, reviewer, approved):
    people = {"clerk": clerk, "reviewer": reviewer}
    for persona, url, data, model in _create_forms(approved):
        client.force_login(people[persona])
        token = _token(client.get(url))
        before = model.objects.count()
        first = client.post(url, {**data, "form_token": token})
        assert first.status_code == 302, (url, first.context and first.context["form"].errors)
        second = client.post(url, {**data, "form_token": token})
        assert second.status_code == 200, url
        assert "已经提交过" in second.content.decode(), url
        assert model.objects.count() == before + 1, url


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_carries_a_fresh_token(client, clerk):
    client.force_login(clerk)
    token = _token(client.get(reverse("customers:create")))
    refused = client.post(reverse("customers:create"), {**GOOD_CUSTOMER, "name": "", "form_token": token})
    assert refused.status_code == 200
    fresh = _token(refused)
    assert fresh != token
    accepted = client.post(reverse("customers:create"), {**GOOD_CUSTOMER, "form_token": fresh})
    assert accepted.status_code == 302
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_two_tabs_sending_one_token_at_once_make_one_row(client, clerk):
    from submissions.forms import FIELD
    from submissions.models import UsedFormToken

    client.force_login(clerk)
    token = _token(client.get(reverse("customers:create")))
    UsedFormToken.objects.create(token=token)  # the other tab's request won the race
    response = client.post(reverse("customers:create"), {**GOOD_CUSTOMER, FIELD: token})
    assert response.status_code == 200
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_a_forged_token_is_refused_with_a_message(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("customers:create"), {**GOOD_CUSTOMER, "form_token": "<script>"})
    assert response.status_code == 200
    assert Customer.objects.count() == 0
    assert b"<script>" not in response.content


# Typing as people type (issue 14, item 10) --------------------------------------


@pytest.mark.django_db
def test_spaced_id_bank_postal_and_phone_numbers_are_accepted_from_the_form(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("customers:create")).content.decode()
    for name in ("id_number", "bank_account", "postal_code", "mobile", "phone"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert "maxlength" not in tag, tag
    spaced_id = "110105 19900307 021X"
    assert len(spaced_id) > 18
    data = {
        **GOOD_CUSTOMER,
        "id_number": spaced_id.replace("021X", make_resident_id()[-4:]),
        "bank_account": " ".join(make_bank_account(1)[i : i + 4] for i in range(0, 19, 4)),
        "postal_code": "100 020",
        "mobile": "+86 138-1234-5678",
    }
    expected_id = data["id_number"].replace(" ", "")
    assert expected_id == make_resident_id()
    response = client.post(reverse("customers:create"), data)
    assert response.status_code == 302, response.context["form"].errors
    customer = Customer.objects.get()
    assert customer.id_number == make_resident_id()
    assert customer.bank_account == make_bank_account(1)
    assert customer.postal_code == "100020"


@pytest.mark.django_db
def test_a_number_too_long_after_normalisation_is_refused_by_the_models_rule(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("customers:create"), {**GOOD_CUSTOMER, "id_number": "1101051990030702" + "1" * 10})
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert Customer.objects.count() == 0


# Dates at the edges of the calendar (issue 14, item 8) --------------------------

EDGE_DATES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31", "2200-01-01"]


@pytest.mark.django_db
def test_a_date_at_the_edge_of_the_calendar_is_refused_beside_its_field_in_every_create_form(
    client, clerk, reviewer, approved
):
    people = {"clerk": clerk, "reviewer": reviewer}
    dated = {"consent_at", "retention_until", "occurred_at", "signed_on", "starts_on", "received_at", "surveyed_at"}
    for persona, url, data, model in _create_forms(approved):
        client.force_login(people[persona])
        for name in sorted(dated & set(data)):
            for edge in EDGE_DATES:
                before = model.objects.count()
                response = client.post(url, {**data, name: edge})
                assert response.status_code == 200, (url, name, edge)
                assert name in response.context["form"].errors, (url, name, edge)
                assert model.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("since", "until"), [("0001-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31")])
def test_filters_with_dates_at_the_edges_answer_a_page(client, clerk, manager, security_officer, since, until):
    client.force_login(manager)
    assert client.get(reverse("transactions:list"), {"since": since, "until": until}).status_code == 200
    for report in ("customers", "transactions"):
        response = client.get(reverse("admin:report", args=[report]), {"since": since, "until": until})
        assert response.status_code == 200
        assert "2199-12-31" in response.content.decode()  # the message beside the field names the range
    client.force_login(security_officer)
    assert client.get(reverse("audit:access_log"), {"since": since, "until": until}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", [str(10**20), "-1", "abc", "0", "1e99", "²"])
def test_every_paginated_page_answers_any_page_number(client, clerk, manager, reviewer, security_officer, page):
    for user, names in (
        (manager, ["customers:list", "transactions:list", "interactions:complaints"]),
        (reviewer, ["review:queue"]),
        (security_officer, ["audit:access_log", "audit:changes"]),
    ):
        client.force_login(user)
        for name in names:
            assert client.get(reverse(name), {"page": page}).status_code == 200, (name, page)
    client.force_login(manager)
    assert client.get(reverse("admin:customers_customer_changelist"), {"p": page}).status_code in (200, 302)
