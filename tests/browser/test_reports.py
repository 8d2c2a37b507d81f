"""The manager's dashboard in the admin, with its charts drawn (issue 9)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_review import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_transactions_report_draws_its_charts(live_server, page):
    call_command("seed_demo", "--customers", "30", stdout=io.StringIO())
    _log_in(page, live_server, "manager1")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="报表").first.click()
    page.get_by_role("link", name="交易").first.click()
    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    first_bar = charts.first.locator("rect.bar").first
    box = first_bar.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0  # drawn, not just present
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-transactions.png"), full_page=True)
    assert (ARTIFACTS / "report-transactions.png").stat().st_size > 10_000
