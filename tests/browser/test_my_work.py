"""Each role's own "my work" in the browser (issue 22 item 3). A failing role
leaves its screenshot in test-artifacts/ (one test per role)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.browser.test_review import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PANELS = {
    "clerk1": ("to-correct", "my-transactions"),
    "reviewer1": ("reviewer-queue", "reviewer-returns"),
    "manager1": ("manager-grants", "manager-second", "manager-overdue"),
    "security1": ("security-alerts", "security-chain"),
}
ALL = {panel for panels in PANELS.values() for panel in panels}


@pytest.mark.parametrize("user", list(PANELS))
def test_each_role_sees_its_own_my_work(live_server, page, user):
    call_command("seed_demo", "--customers", "12", stdout=io.StringIO())
    _log_in(page, live_server, user)
    page.get_by_test_id(PANELS[user][0]).wait_for(state="visible")
    for panel in PANELS[user]:
        assert page.get_by_test_id(panel).is_visible(), panel
    for panel in ALL - set(PANELS[user]):
        assert page.get_by_test_id(panel).count() == 0, panel
    if user == "reviewer1":
        page.get_by_test_id("review-next").click()
        page.wait_for_url(f"{live_server.url}/review/*/")
    if user == "security1":
        page.get_by_test_id("verify-chain").click()
        page.wait_for_url(f"{live_server.url}/audit/")
        page.goto(f"{live_server.url}/")
        assert "完好" in page.get_by_test_id("chain-status").inner_text()
