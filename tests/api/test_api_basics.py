"""The API's own rules: entries wait for review, masks by tier, reveals only
under a grant, lookups only in a body, every call logged, messages in the
request's language."""

from __future__ import annotations

import pytest

from audit.models import AccessLog
from customers import services as customer_services
from customers.models import AccessGrant, Customer, Status
from tests.api.conftest import bearer, customer_body
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_created_through_the_api_waits_for_review_with_the_system_account_as_its_maker(
    enter_client, enter_token, reviewer
):
    response = enter_client.post("/api/v1/customers/", customer_body(), format="json")
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.status == Status.PENDING
    assert customer.entered_by == enter_token[0].account
    assert response.json()["values"]["id_number"] == "110***********1239"
    approved = customer_services.customer_approve(actor=reviewer, customer=customer)
    assert approved.status == Status.APPROVED


def test_bad_input_is_a_400_with_field_messages_in_the_requests_language(enter_token):
    body = customer_body(mobile="12", id_number="110105199003071230")
    chinese = bearer(enter_token[1], "zh-hans").post("/api/v1/customers/", body, format="json")
    english = bearer(enter_token[1], "en").post("/api/v1/customers/", body, format="json")
    assert chinese.status_code == english.status_code == 400
    assert set(chinese.json()) >= {"mobile", "id_number"}
    assert chinese.json()["mobile"] != english.json()["mobile"]
    assert "mobile" in english.json()["mobile"][0].lower()
    assert not Customer.objects.exists()


def test_a_nested_value_is_refused_beside_its_field_not_with_a_server_error(enter_client):
    response = enter_client.post("/api/v1/customers/", customer_body(name={"a": 1}), format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_reader_token_sees_the_departments_customers_with_personal_values_masked_and_cannot_enter(
    reader_client, approved_customer
):
    listed = reader_client.get("/api/v1/customers/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row["id"] == approved_customer.pk
    assert row["personal"] is False
    assert row["values"]["mobile"].count("*") == 4
    stored = Customer.objects.get(pk=approved_customer.pk)
    assert stored.id_number not in listed.content.decode()
    refused = reader_client.post("/api/v1/customers/", customer_body(), format="json")
    assert refused.status_code == 403


def test_a_customer_of_another_department_is_a_404(reader_client, other_department_manager):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    away_clerk = UserFactory(username="away_clerk", department=other_department_manager.department)
    away_clerk.groups.add(Group.objects.get(name="clerk"))
    away = CustomerFactory(actor=away_clerk)
    assert reader_client.get(f"/api/v1/customers/{away.pk}/").status_code == 404
    assert reader_client.get("/api/v1/customers/987654/").status_code == 404


def test_an_id_number_in_the_address_is_not_searched(reader_client, approved_customer):
    number = Customer.objects.get(pk=approved_customer.pk).id_number
    response = reader_client.get(f"/api/v1/customers/?q={number}")
    assert response.status_code == 400
    assert approved_customer.archive_no not in response.content.decode()


def test_an_exact_lookup_in_the_body_finds_the_customer_and_logs_the_kind_never_the_number(
    reader_client, approved_customer
):
    number = Customer.objects.get(pk=approved_customer.pk).id_number
    response = reader_client.post("/api/v1/customers/search/", {"q": number}, format="json")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [approved_customer.pk]
    lookup = AccessLog.objects.get(action=AccessLog.Action.LOOKUP)
    assert lookup.detail["matched"] == 1
    assert number not in str(list(AccessLog.objects.values_list("detail", "purpose", "field")))


def test_every_call_is_in_the_access_log_with_token_endpoint_and_row_count(
    reader_client, reader_token, approved_customer
):
    reader_client.get("/api/v1/customers/")
    entry = AccessLog.objects.filter(action=AccessLog.Action.API_CALL).latest("id")
    assert entry.actor == reader_token[0].account
    assert entry.detail == {
        "token": reader_token[0].prefix,
        "system": "数据仓库",
        "endpoint": "api:customers",
        "status": 200,
        "rows": 1,
        "method": "GET",
    }


def test_a_reveal_needs_a_live_grant_and_a_purpose(enter_client, enter_token, manager):
    created = enter_client.post("/api/v1/customers/", customer_body(), format="json").json()
    url = f"/api/v1/customers/{created['id']}/reveal/"
    refused = enter_client.post(url, {"field": "id_number", "purpose": "核对"}, format="json")
    assert refused.status_code == 403
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL_REFUSED).count() == 1
    asked = enter_client.post(
        f"/api/v1/customers/{created['id']}/grant-requests/", {"purpose": "对账", "hours": 1}, format="json"
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "requested"
    grant = AccessGrant.objects.get(pk=asked.json()["id"])
    assert grant.grantee == enter_token[0].account
    customer_services.grant_approve(actor=manager, grant=grant)
    assert enter_client.post(url, {"field": "id_number"}, format="json").status_code == 400
    revealed = enter_client.post(url, {"field": "id_number", "purpose": "对账"}, format="json")
    assert revealed.status_code == 200
    assert revealed.json() == {"field": "id_number", "value": "110105199003071239"}
    assert revealed["Cache-Control"].startswith("max-age=0") or "no-store" in revealed["Cache-Control"]
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL).count() == 1


def test_a_field_left_out_takes_the_forms_starting_value_and_spends_no_form_token(enter_client):
    from submissions.models import UsedFormToken

    body = {key: value for key, value in customer_body().items() if key not in ("tier", "lifecycle_stage")}
    response = enter_client.post("/api/v1/customers/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["values"]["tier"] == "general"
    assert not UsedFormToken.objects.exists()


def test_a_refusal_speaks_chinese_by_default_and_english_when_asked(enter_token):
    token, secret = enter_token
    wrong = secret[:-2] + ("xx" if not secret.endswith("xx") else "yy")
    chinese = bearer(wrong, "").get("/api/v1/customers/")
    english = bearer(wrong, "en-US,en;q=0.9").get("/api/v1/customers/")
    assert chinese.json() == {"detail": "令牌无效。"}
    assert chinese["Content-Language"] == "zh-hans"
    assert english.json() == {"detail": "The token is not valid."}
    assert english["Content-Language"] == "en"


def test_another_apps_view_mounted_under_the_api_is_logged_with_its_row_count(reader_token):
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from api.base import logged

    class Changes(APIView):  # as the change feed's view: the default authentication and permission
        def get(self, request):
            return Response({"results": [{"id": 1}, {"id": 2}], "next": None})

    request = APIRequestFactory().get("/api/v1/changes/", HTTP_AUTHORIZATION=f"Bearer {reader_token[1]}")
    response = logged(Changes).as_view()(request)
    assert response.status_code == 200
    entry = AccessLog.objects.filter(action=AccessLog.Action.API_CALL).latest("id")
    assert entry.detail["rows"] == 2
    assert entry.detail["endpoint"] == "/api/v1/changes/"
