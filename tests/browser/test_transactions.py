"""A transaction typed from a voucher in the browser, reviewed, then partly reversed (issue 6)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from customers import services as customer_services
from tests.browser.test_review import _log_in
from tests.factories import CustomerFactory
from transactions.models import Status, Transaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enter_review_and_reverse_a_purchase(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    clerk, reviewer = User.objects.get(username="clerk1"), User.objects.get(username="reviewer1")
    customer = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )

    _log_in(page, live_server, "clerk1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_test_id("new-transaction").click()
    expect(page.locator('[data-field="original"]')).to_be_hidden()  # only for returns and refunds
    page.fill("#id_amount", "1,280.5")
    page.select_option("#id_payment_method", "alipay")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/transactions/\d+/confirm/$"))
    assert page.get_by_test_id("value-amount").inner_text() == "1,280.50 CNY"
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/$"))
    purchase = Transaction.objects.get()
    assert purchase.status == Status.PENDING

    _log_in(page, live_server, "reviewer1")
    page.get_by_test_id("nav-review").click()
    page.get_by_test_id("transaction-queue").get_by_role("link", name=purchase.number).click()
    page.get_by_test_id("approve").click()
    page.wait_for_url(f"{live_server.url}/review/")

    _log_in(page, live_server, "clerk1")
    page.goto(f"{live_server.url}/transactions/{purchase.pk}/")
    page.get_by_test_id("reverse").click()
    assert page.input_value("#id_kind") == "return"
    assert page.input_value("#id_amount") == "1280.50"  # what is left, proposed
    page.fill("#id_amount", "2000")
    page.get_by_test_id("save").click()
    assert "最多还可冲销 1280.50" in page.get_by_test_id("error-amount").inner_text()
    page.fill("#id_amount", "280.50")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/confirm/$"))
    page.get_by_test_id("confirm").click()
    reversal = Transaction.objects.get(original=purchase)
    from transactions import services

    services.transaction_approve(actor=reviewer, txn=reversal)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    assert page.get_by_test_id("net-CNY").inner_text() == "1,000.00"
    assert Transaction.objects.get(pk=purchase.pk).amount == Decimal("1280.50")
