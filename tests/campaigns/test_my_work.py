"""The campaigns panel of "my work": the user's first saved filters, in a fixed
number of queries, nothing for a role without lists."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from campaigns import selectors
from campaigns.services import saved_filter_create


@pytest.mark.django_db
def test_my_work_shows_the_first_saved_filters_and_says_when_there_are_more(manager, clerk, django_assert_num_queries):
    for n in range(selectors.MY_WORK_ROWS + 2):
        saved_filter_create(actor=manager, fields={"name": f"名单{n:02d}"})
    saved_filter_create(actor=clerk, fields={"name": "我的名单"})
    with django_assert_num_queries(1):
        work = selectors.my_work(user=manager)
    assert [f.name for f in work["campaign_filters"]] == [f"名单{n:02d}" for n in range(selectors.MY_WORK_ROWS)]
    assert work["campaign_filters_more"] is True
    assert [f.name for f in selectors.my_work(user=clerk)["campaign_filters"]] == ["我的名单"]
    html = render_to_string("campaigns/_my_work.html", work)
    assert "名单00" in html and "我的名单" not in html


@pytest.mark.django_db
def test_a_reviewer_has_no_campaign_panel_rows(reviewer, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the role's rights, read once
        work = selectors.my_work(user=reviewer)
    assert work == {"campaign_filters": [], "campaign_filters_more": False}
