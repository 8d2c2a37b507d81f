"""The API tokens panel of a manager's "my work" (api.selectors.my_work)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from api import selectors, services
from api.models import ApiToken
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db


def test_a_manager_sees_the_departments_live_tokens_that_expire_first_in_a_fixed_number_of_queries(
    manager, other_department_manager, django_assert_num_queries
):
    for n in range(8):
        make_token(manager, name=f"系统{n}", days=10 + n)
    revoked, _secret = make_token(manager, name="已吊销", days=1)
    services.token_revoke(actor=manager, token=revoked)
    make_token(other_department_manager, name="别的部门", days=1)
    with django_assert_num_queries(2):  # the first rows, the count (the right is the cached role permissions)
        work = selectors.my_work(user=manager)
    assert work["api_tokens_live"] == 8
    assert [t.system_name for t in work["api_tokens_expiring"]] == [f"系统{n}" for n in range(5)]
    html = render_to_string("api/_my_work.html", work)
    assert "系统0" in html and "别的部门" not in html


def test_anyone_but_a_manager_gets_an_empty_panel(clerk, manager):
    make_token(manager)
    work = selectors.my_work(user=clerk)
    assert work == {"api_tokens_expiring": [], "api_tokens_live": 0, "api_may_manage": False}
    assert render_to_string("api/_my_work.html", work).strip() == ""


def test_an_expired_token_is_not_counted(manager):
    token, _secret = make_token(manager)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert selectors.my_work(user=manager)["api_tokens_live"] == 0
