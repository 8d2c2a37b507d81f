"""A clerk enters a customer in the browser, as in issue 3's walk-through."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from customers.models import Customer
from tests.factories import make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_clerk_corrects_a_wrong_id_checksum_and_sees_the_masked_id_on_the_record(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    number = make_resident_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk1")
    page.fill("#id_password", "custodian-demo")
    page.click("button[type=submit]")
    page.get_by_role("link", name="新建客户").first.click()

    page.select_option("#id_kind", "individual")
    page.fill("#id_name", "欧阳明")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", wrong)
    page.fill("#id_mobile", "138 1234 5678")
    page.fill("#id_address", "建国路88号")
    page.fill("#id_consent_purpose", "开户及客户服务")
    page.fill("#id_consent_at", "2026-01-02T10:00")
    page.fill("#id_retention_until", "2031-01-02")
    # Organization fields are hidden for an individual.
    assert page.locator("#id_contact_person").is_hidden()
    page.get_by_role("button", name="保存并核对").click()

    error = page.get_by_test_id("error-id_number")
    assert "校验码" in error.inner_text()
    assert page.input_value("#id_id_number") == wrong  # what was typed is kept
    assert page.input_value("#id_address") == "建国路88号"
    assert not Customer.objects.exists()

    # Typed as it is printed on the card, with spaces: 20 characters for an
    # 18-character number. The browser keeps every character; the server normalises.
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    page.fill("#id_id_number", spaced)
    assert page.input_value("#id_id_number") == spaced
    page.get_by_role("button", name="保存并核对").click()

    # Step two: the summary of what will be submitted, as stored.
    page.wait_for_url(re.compile(r"/customers/\d+/confirm/$"))
    customer = Customer.objects.get()
    assert page.get_by_test_id("archive-no").inner_text() == customer.archive_no
    masked = page.get_by_test_id("value-id_number").inner_text()
    assert masked == f"{number[:3]}{'*' * 11}{number[-4:]}"
    assert page.get_by_test_id("value-mobile").inner_text() == "+86 138 1234 5678"  # normalised
    assert number not in page.content()

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    assert page.get_by_test_id("age").is_visible()
    assert "新建" in page.get_by_test_id("history").inner_text()
