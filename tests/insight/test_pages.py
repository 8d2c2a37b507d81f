"""What people see: the customer page's "why", the list's filters and sorts at
a fixed query count, the manager's overview and button (issue 20 items 1-2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insight.models import CustomerScore
from insight.refresh import snapshot_refresh
from tests.factories import CustomerFactory
from tests.insight.helpers import approved, booked

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(clerk, reviewer, settings):
    """Three approved customers who spent 100, 200 and 300; with a key share of
    a third, the biggest is key."""
    settings.CRM_VALUE_CLASS_QUANTILES = {"key": 0.34, "occasional": 0.34}
    customers = [approved(clerk, reviewer) for _ in range(3)]
    for i, customer in enumerate(customers, start=1):
        booked(clerk, reviewer, customer, timezone.now() - timedelta(days=10 - i), f"{i * 100}.00")
    snapshot_refresh()
    return customers


def _listed(client, **params) -> list[int]:
    response = client.get(reverse("customers:list"), params)
    assert response.status_code == 200
    return [row.customer.pk for row in response.context["rows"]]


def test_the_customer_page_shows_each_score_with_its_inputs_and_the_snapshot_date(client, clerk, three):
    client.force_login(clerk)
    biggest = three[2]

    html = client.get(reverse("customers:detail", args=[biggest.pk])).content.decode()

    assert 'data-testid="insight-why"' in html
    assert timezone.localdate().strftime("%Y-%m-%d") in html.split('data-testid="insight-date"')[1][:200]
    why = html.split('data-testid="insight-value-why"')[1][:600]
    assert "300.00 CNY" in why
    score = CustomerScore.objects.get(customer=biggest)
    assert f"{score.potential_score}/100" in html and f"{score.loyalty_score}/100" in html
    completeness = html.split('data-testid="insight-completeness"')[1][:1500]
    assert f"{score.completeness}%" in completeness and "地址" in completeness  # the address is missing


def test_a_customer_newer_than_the_snapshot_says_it_is_not_scored_yet(client, clerk, three):
    client.force_login(clerk)
    newcomer = CustomerFactory(actor=clerk)
    html = client.get(reverse("customers:detail", args=[newcomer.pk])).content.decode()
    assert 'data-testid="insight-why"' in html and 'data-testid="insight-class"' not in html


def test_a_suggested_tier_is_shown_not_applied_and_prefills_a_change_request(client, clerk, three):
    client.force_login(clerk)
    biggest = three[2]
    assert biggest.tier == "general"

    html = client.get(reverse("customers:detail", args=[biggest.pk])).content.decode()

    assert 'data-testid="insight-suggestion"' in html
    biggest.refresh_from_db()
    assert biggest.tier == "general"  # nothing applied
    link = reverse("customers:update", args=[biggest.pk]) + "?tier=key&amp;lifecycle_stage=active"
    assert link in html
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form["tier"].value() == "key" and form["lifecycle_stage"].value() == "active"


def test_the_list_filters_by_value_class_and_sorts_by_value(client, manager, three):
    client.force_login(manager)
    small, middle, big = (c.pk for c in three)

    assert _listed(client, show="value-key") == [big]
    assert _listed(client, show="value-occasional") == [small]
    assert _listed(client, sort="value") == [big, middle, small]
    assert _listed(client, sort="value", show="value-general") == [middle]
    assert _listed(client, show="no-such-thing") == [big, middle, small]  # unknown: ignored (newest first)
    html = client.get(reverse("customers:list"), {"sort": "value"}).content.decode()
    assert 'data-testid="column-insight"' in html


def test_a_record_new_since_the_snapshot_is_left_out_of_the_value_order_and_the_page_says_so(
    client, clerk, reviewer, manager, three
):
    newcomer = approved(clerk, reviewer)
    client.force_login(manager)
    small, middle, big = (c.pk for c in three)

    response = client.get(reverse("customers:list"), {"sort": "value"})

    assert [row.customer.pk for row in response.context["rows"]] == [big, middle, small]
    assert 'data-testid="list-option-note"' in response.content.decode()
    assert _listed(client)[0] == newcomer.pk  # the default order lists it, newest first
    assert 'data-testid="list-option-note"' not in client.get(reverse("customers:list")).content.decode()


def test_equal_scores_are_listed_newest_first(client, clerk, reviewer, manager, settings):
    settings.CRM_VALUE_CLASS_QUANTILES = {"key": 0.34, "occasional": 0.34}
    older, newer = approved(clerk, reviewer), approved(clerk, reviewer)  # no business: both score 0
    snapshot_refresh()
    client.force_login(manager)
    assert _listed(client, sort="value") == [newer.pk, older.pk]


def test_the_incomplete_filter_uses_the_threshold(client, manager, three, settings):
    client.force_login(manager)
    values = dict(CustomerScore.objects.values_list("customer_id", "completeness"))
    settings.CRM_COMPLETENESS_THRESHOLD = 101
    assert sorted(_listed(client, show="incomplete")) == sorted(values)
    settings.CRM_COMPLETENESS_THRESHOLD = 0
    assert _listed(client, show="incomplete") == []


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("customers:list"), params).status_code == 200
    return len(queries)


def test_the_list_sorted_by_value_costs_the_same_queries_at_ten_times_the_rows(client, clerk, manager):
    client.force_login(manager)
    for _ in range(4):
        CustomerFactory(actor=clerk)
    snapshot_refresh()
    small = _list_queries(client, sort="value", show="incomplete")
    for _ in range(36):
        CustomerFactory(actor=clerk)
    snapshot_refresh()
    assert _list_queries(client, sort="value", show="incomplete") == small
    assert _list_queries(client, sort="completeness") == _list_queries(client, sort="value")


def test_the_manager_sees_the_department_figures_and_queues_a_refresh(client, manager, three):
    client.force_login(manager)
    response = client.get(reverse("insight:overview"))
    assert response.status_code == 200
    assert response.context["figures"].customers == 3
    assert 'data-testid="insight-refresh"' in response.content.decode()
    assert client.post(reverse("insight:refresh")).status_code == 302


def test_a_clerk_may_neither_see_the_overview_nor_refresh(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("insight:overview")).status_code == 403
    assert client.post(reverse("insight:refresh")).status_code == 403


def test_my_work_gives_a_manager_the_department_figures_in_one_query(manager, clerk, three, django_assert_num_queries):
    from django.template.loader import render_to_string

    from insight.selectors import my_work

    manager.role_permissions  # noqa: B018 — the roles are read once per request, before the panel
    with django_assert_num_queries(1):
        panel = my_work(user=manager)
    assert panel["insight_figures"].customers == 3
    html = render_to_string("insight/_my_work.html", panel)
    assert 'data-testid="my-work-insight"' in html and "?show=incomplete" in html
    assert my_work(user=clerk) == {"insight_figures": None}
