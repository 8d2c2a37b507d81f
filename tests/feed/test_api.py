"""The change feed over the API: `GET /api/v1/changes/?after=<cursor>&limit=`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from feed.selectors import changes_after
from tests.feed.conftest import approved, business, settle

FEED = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = "/api/v1/changes/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_feed_is_mounted_under_the_api():
    assert reverse("api:changes") == URL


@FEED
def test_the_feed_answers_the_changes_in_scope_page_by_page_and_then_nothing(clerk, reviewer, manager):
    customer = approved(clerk, reviewer, name="司马远航")
    client = _client(manager)
    settle()

    first = client.get(URL, {"limit": 2})
    assert first.status_code == 200
    assert [(r["type"], r["id"], r["kind"]) for r in first.json()["results"]] == [
        ("customer", customer.pk, "created"),
        ("customer", customer.pk, "updated"),
    ]
    assert set(first.json()["results"][0]) == {
        "type", "id", "version", "kind", "customer", "department", "merged_into", "at"
    }  # fmt: skip
    second = client.get(URL, {"after": first.json()["next"], "limit": 2}).json()
    assert [(r["kind"], r["version"]) for r in second["results"]] == [("approved", customer.version)]
    last = client.get(URL, {"after": second["next"]}).json()
    assert last == {"results": [], "next": second["next"]}
    assert "司马远航" not in first.content.decode() + str(second)


@FEED
def test_another_departments_manager_is_answered_nothing_of_it(clerk, reviewer, manager, other_department_manager):
    approved(clerk, reviewer)
    settle()

    assert _client(manager).get(URL).json()["results"]
    assert _client(other_department_manager).get(URL).json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("after", ["x", "!!!!", "djE6LTE6Mg", "A" * 65])
def test_a_bad_cursor_is_a_400_with_a_message(manager, after):
    response = _client(manager).get(URL, {"after": after})

    assert response.status_code == 400
    assert list(response.json()) == ["after"]
    assert response.json()["after"] == ["该游标不是本变更流发出的。"]  # in the request's language: Chinese by default


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-1", "501", "abc", "1e3"])
def test_a_bad_limit_is_a_400_with_a_message(manager, limit):
    response = _client(manager).get(URL, {"limit": limit})

    assert response.status_code == 400
    assert list(response.json()) == ["limit"]


@FEED
def test_reading_a_page_costs_the_same_queries_however_many_changes_there_are(clerk, reviewer, manager):
    def queries_for_a_page() -> int:
        settle()
        user = User.objects.get(pk=manager.pk)  # a fresh request's user: nothing cached
        with CaptureQueriesContext(connection) as captured:
            rows, _ = changes_after(user=user, cursor=None, limit=100)
        return len(captured), len(rows)

    customer = approved(clerk, reviewer, n=0)
    few = queries_for_a_page()
    for n in range(1, 6):
        business(clerk, reviewer, approved(clerk, reviewer, n=n))
    business(clerk, reviewer, customer)
    many = queries_for_a_page()

    assert few[1] == 3 and many[1] > 40
    assert few[0] == many[0] <= 6
