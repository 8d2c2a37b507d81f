"""SPEC §7: no input produces a server error — every form, query string and URL
answers junk with a clear message or a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.forms import FORM_FIELDS
from tests.factories import CustomerFactory

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
