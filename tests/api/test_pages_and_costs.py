"""The token pages (/systems/) and what the API's lists cost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from customers import services as customer_services
from interactions import services as interaction_services
from tests.api.conftest import bearer, make_token
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_token_on_the_page_and_sees_its_secret_only_on_that_answer(client, manager):
    client.force_login(manager)
    url = reverse("api_pages:tokens")
    answer = client.post(url, {"system_name": "网银系统", "role": "enter", "days": "30"})
    assert answer.status_code == 200
    token = ApiToken.objects.get()
    secret = answer.context["secret"]
    assert secret.startswith(f"ctk_{token.prefix}_")
    assert "no-store" in answer["Cache-Control"]
    listed = client.get(url)
    assert token.prefix in listed.content.decode()
    assert secret not in listed.content.decode()
    assert bearer(secret).get("/api/v1/products/").status_code == 200


def test_a_bad_token_form_says_what_is_wrong_beside_the_field(client, manager):
    client.force_login(manager)
    answer = client.post(reverse("api_pages:tokens"), {"system_name": "", "role": "root", "days": "9999"})
    assert answer.status_code == 200
    assert set(answer.context["form"].errors) == {"system_name", "role", "days"}
    assert not ApiToken.objects.exists()


def test_a_manager_revokes_a_token_from_the_page_and_its_next_call_is_refused(client, manager):
    token, secret = make_token(manager)
    client.force_login(manager)
    assert client.post(reverse("api_pages:token_revoke", args=[token.pk])).status_code == 302
    assert bearer(secret).get("/api/v1/products/").status_code == 401


def test_another_departments_manager_cannot_revoke_the_token(client, manager, other_department_manager):
    token, _secret = make_token(manager)
    client.force_login(other_department_manager)
    assert client.post(reverse("api_pages:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_lists_cost_the_same_number_of_queries_for_thirty_rows_as_for_one(
    manager, reviewer, django_assert_max_num_queries
):
    token, secret = make_token(manager, "reader")
    account = make_token(manager, "enter", "录入")[0].account
    for n in range(30):
        customer = customer_services.customer_submit(actor=account, customer=CustomerFactory(actor=account, n=n))
        customer = customer_services.customer_approve(actor=reviewer, customer=customer)
        interaction_services.complaint_receive(
            actor=account,
            customer=customer,
            fields={"received_at": customer.created_at, "channel": "phone", "category": "service", "content": "慢"},
        )
    client = bearer(secret)
    for url in ("/api/v1/customers/", "/api/v1/complaints/"):
        with django_assert_max_num_queries(16):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 30
    with django_assert_max_num_queries(16):
        found = client.post("/api/v1/customers/search/", {"q": "KH"}, format="json")
    assert found.json()["matched"] == 30
