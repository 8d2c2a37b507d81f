"""The admin at 1440 px (issue 22 item 5): no list is wider than its box (no
clipped column) and no status word breaks over two lines."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.browser.test_review import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LINES_OF_EACH_STATUS = """() => [...document.querySelectorAll('#result_list td[class*="field-status"]')].map(td => {
  const range = document.createRange(); range.selectNodeContents(td);
  return [td.innerText, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""

OVERFLOW = "() => { const r = document.querySelector('.results'); return r.scrollWidth - r.clientWidth; }"


def test_admin_lists_fit_1440_pixels_and_keep_status_words_on_one_line(live_server, page):
    call_command("seed_demo", "--customers", "20", stdout=io.StringIO())
    page.set_viewport_size({"width": 1440, "height": 900})
    _log_in(page, live_server, "manager1")
    for path in ("customers/customer", "transactions/transaction", "interactions/complaint", "transactions/order"):
        page.goto(f"{live_server.url}/admin/{path}/")
        page.locator("#result_list").wait_for()
        overflow = page.evaluate(
            "() => { const r = document.querySelector('.results'); return r.scrollWidth - r.clientWidth; }"
        )
        assert overflow <= 1, (path, overflow)
        statuses = page.evaluate(LINES_OF_EACH_STATUS)
        assert statuses, path
        assert all(lines == 1 for _, lines in statuses), (path, statuses)
