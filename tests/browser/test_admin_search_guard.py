"""The admin's search box (a GET form) never sends an ID or bank number: the page's
script stops it and says where such lookups are made (issue 14, item 2)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_id_typed_in_the_admin_search_never_leaves_the_browser(live_server, page):
    call_command("seed_demo", "--customers", "3", stdout=io.StringIO())
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "manager1")
    page.fill("#id_password", "custodian-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/customers/customer/")

    page.fill("#searchbar", "110105 19900307 1239")
    page.press("#searchbar", "Enter")
    page.wait_for_selector("#search-guard-note")
    assert "客户列表的搜索框" in page.inner_text("#search-guard-note")
    assert not [url for url in sent if "q=" in url]

    page.fill("#searchbar", "张")  # a name is searched as before
    with page.expect_navigation():
        page.press("#searchbar", "Enter")
    assert "q=" in page.url
