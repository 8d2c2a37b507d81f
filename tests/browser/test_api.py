"""The API in the browser (issue 21): a manager makes a token on /systems/ (the
secret shown once), a system enters a customer through the API with it, and a
reviewer approves that entry in the browser as any clerk's; the API docs run
under the site's Content-Security-Policy with no CDN."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest
from django.core.management import call_command

from api.models import ApiToken
from customers.models import Customer, Status
from tests.factories import make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "custodian-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _post(url: str, secret: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the live server's own http URL
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def test_a_customer_entered_through_the_api_is_approved_by_a_reviewer_in_the_browser(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())

    # The manager makes a token for the online-banking system; the secret is on this page only.
    _log_in(page, live_server, "manager1")
    page.goto(f"{live_server.url}/systems/")
    page.fill("#id_system_name", "网银系统")
    page.check("input[name=role][value=enter]")
    page.get_by_test_id("token-form").get_by_role("button").click()
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    token = ApiToken.objects.get()
    assert secret.startswith(f"ctk_{token.prefix}_")
    page.goto(f"{live_server.url}/systems/")
    assert secret not in page.content()
    assert token.prefix in page.get_by_test_id("tokens").inner_text()

    # The system enters a customer.
    status, created = _post(
        f"{live_server.url}/api/v1/customers/",
        secret,
        {
            "kind": "individual",
            "name": "欧阳修",
            "id_type": "resident_id",
            "id_number": make_resident_id(),
            "mobile": "13912345678",
            "consent_purpose": "开户及客户服务",
            "consent_at": "2026-01-02T10:00",
            "retention_until": "2031-01-02",
        },
    )
    assert status == 201
    customer = Customer.objects.get(pk=created["id"])
    assert customer.status == Status.PENDING
    assert customer.entered_by == token.account

    # The reviewer finds it in the queue and approves it.
    _log_in(page, live_server, "reviewer1")
    page.get_by_test_id("nav-review").click()
    page.get_by_test_id("review-queue").get_by_role("link", name=customer.archive_no).click()
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{live_server.url}/review/")
    customer.refresh_from_db()
    assert customer.status == Status.APPROVED
    assert customer.reviewed_by.username == "reviewer1"


def test_the_api_docs_run_from_the_apps_own_files_under_its_csp(live_server, page):
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert "/api/v1/customers/" in page.locator(".swagger-ui").inner_text()
    assert refused == []
    assert outside == []
