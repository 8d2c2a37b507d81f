"""The Content-Security-Policy holds in a real browser: the pages people use and the
admin load with no violation reported, and the language switch still works
without inline script (issue 14, item 11)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "custodian-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_pages_and_the_admin_load_without_a_content_security_policy_violation(live_server, page):
    call_command("seed_demo", "--customers", "3", stdout=io.StringIO())
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))

    _log_in(page, live_server, "manager1")
    for path in (
        "/",
        "/customers/",
        "/customers/new/",
        "/transactions/",
        "/service/complaints/",
        "/admin/",
        "/admin/customers/customer/",
        "/admin/customers/customer/?created_at__year=9999&created_at__month=12&created_at__day=31",
        "/admin/transactions/transaction/",
        "/admin/reports/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 500, path
        page.wait_for_load_state("load")
    assert violations == []

    # The language switch submits its form from static/js/layout.js.
    page.goto(f"{live_server.url}/customers/")
    with page.expect_navigation():  # the switch posts its form; wait for the page it leads to
        page.select_option("#language", "en")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []
