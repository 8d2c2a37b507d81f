"""The admin's search box is a GET form: an ID or bank number typed there is never
searched and the address carrying it is replaced at once (issue 14 item 2)."""

from __future__ import annotations

import pytest

from audit.models import AccessLog
from tests.factories import CustomerFactory


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["11010519900307123X", "110105 19900307 123X", "6222021234567890128", "E12345678"])
def test_an_id_or_bank_number_in_the_admin_search_is_dropped_from_the_address_unsearched(client, clerk, manager, typed):
    CustomerFactory(actor=clerk)
    client.force_login(manager)
    response = client.get("/admin/customers/customer/", {"q": typed, "status__exact": "draft"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/customers/customer/?status__exact=draft"
    assert typed.replace(" ", "") not in response["Location"].replace(" ", "")
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOOKUP).exists()
    page = client.get(response["Location"])
    assert "客户列表的搜索框" in page.content.decode()


@pytest.mark.django_db
def test_a_name_search_in_the_admin_still_works_and_the_page_carries_the_guard(client, clerk, manager):
    customer = CustomerFactory(actor=clerk)
    client.force_login(manager)
    response = client.get("/admin/customers/customer/", {"q": customer.name[:1]})
    assert response.status_code == 200
    assert customer in response.context["cl"].result_list
    assert "js/admin-search-guard.js" in response.content.decode()
