"""The parts added in session 6 are reached from the pages people use: the top bar,
my work and the reports (desk/ wiring of insight, api, outreach and watch)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insight.refresh import snapshot_refresh


@pytest.mark.django_db
def test_a_manager_reaches_customer_value_and_api_tokens_and_a_clerk_does_not(client, manager, clerk):
    snapshot_refresh()
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("insight:overview")}"' in home and f'href="{reverse("api_pages:tokens")}"' in home
    assert 'data-testid="my-work-insight"' in home and 'data-testid="my-work-api-tokens"' in home
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert reverse("insight:overview") not in home and reverse("api_pages:tokens") not in home
    assert 'data-testid="my-work-insight"' not in home and 'data-testid="my-work-api-tokens"' not in home


@pytest.mark.django_db
def test_the_customer_report_shows_the_departments_completeness_from_the_current_snapshot(
    client, manager, approved_customer, other_department_manager
):
    snapshot_refresh()
    client.force_login(manager)
    response = client.get(reverse("admin:report", args=["customers"]))
    (table,) = [t for t in response.context["tables"] if t.title.startswith("完整度与价值分类")]
    assert [row[0] for row in table.rows] == [manager.department.name]  # the department's own row only
    assert table.rows[0][6] + table.rows[0][7] + table.rows[0][8] == 1  # the one approved customer, classed once


@pytest.mark.django_db
def test_campaign_lists_and_scorecards_are_in_the_bar_for_those_who_use_them(client, manager, clerk, reviewer):
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("campaigns:index")}"' in home and f'href="{reverse("reports:scorecards")}"' in home
    assert 'data-testid="my-work-campaigns"' in home
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("campaigns:index")}"' in home and f'href="{reverse("reports:scorecard_mine")}"' in home
    client.force_login(reviewer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("campaigns:index") not in home and 'data-testid="my-work-campaigns"' not in home
    assert f'href="{reverse("reports:scorecard_mine")}"' in home
