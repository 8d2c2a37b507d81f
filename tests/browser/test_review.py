"""Two people in the browser: a clerk enters and confirms, a reviewer returns a
field with a reason, the clerk corrects it, the reviewer approves (issue 5)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from customers.models import Customer, Status
from review.models import ReviewDecision
from tests.factories import make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "custodian-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_enter_confirm_return_correct_approve(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())

    # The clerk types the record and checks the summary.
    _log_in(page, live_server, "clerk1")
    page.get_by_role("link", name="新建客户").first.click()
    page.select_option("#id_kind", "individual")
    page.fill("#id_name", "司马光")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", make_resident_id())
    page.fill("#id_mobile", "13912345678")  # the document says 13912345679
    page.fill("#id_consent_purpose", "开户及客户服务")
    page.fill("#id_consent_at", "2026-01-02T10:00")
    page.fill("#id_retention_until", "2031-01-02")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    customer = Customer.objects.get()
    assert customer.status == Status.PENDING

    # The reviewer finds it in the queue and returns the mobile with a reason.
    _log_in(page, live_server, "reviewer1")
    assert page.get_by_test_id("nav-review").inner_text().endswith("1")
    page.get_by_test_id("nav-review").click()
    page.get_by_test_id("review-queue").get_by_role("link", name=customer.archive_no).click()
    assert page.get_by_test_id("value-mobile").inner_text() == "+86 139 1234 5678"  # S2 in full to the checker
    page.get_by_test_id("reason-mobile").fill("与身份证复印件上的联系电话不符，应为尾号5679")
    page.get_by_test_id("return").click()
    page.wait_for_url(f"{live_server.url}/review/")
    assert "没有" in page.locator("main").inner_text()  # the queue is empty now
    customer.refresh_from_db()
    assert customer.status == Status.RETURNED

    # The clerk sees the reason on "my work" and beside the field, and corrects.
    _log_in(page, live_server, "clerk1")
    assert "尾号5679" in page.get_by_test_id("to-correct").inner_text()
    page.get_by_test_id("to-correct").get_by_role("link", name="更正").click()
    assert "尾号5679" in page.get_by_test_id("reason-mobile").inner_text()
    page.fill("#id_mobile", "13912345679")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/")

    # The reviewer approves the corrected version.
    _log_in(page, live_server, "reviewer1")
    page.goto(f"{live_server.url}/review/{customer.pk}/")
    assert page.get_by_test_id("value-mobile").inner_text() == "+86 139 1234 5679"
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{live_server.url}/review/")
    customer.refresh_from_db()
    assert customer.status == Status.APPROVED
    assert str(customer.mobile) == "+8613912345679"
    assert list(ReviewDecision.objects.values_list("decision", flat=True)) == ["approved", "returned"]
