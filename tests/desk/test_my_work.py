"""Each role's own "my work" (issue 22 item 3): the panels a role holds, scoped to
the department, and a fixed number of queries however many rows wait."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from audit.services import access_log_record
from customers import services
from customers.services.access import grant_request
from interactions.services import complaint_receive
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pending(clerk, **fields):
    return services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, **fields))


def _overdue_complaint(clerk, customer, content="营业厅服务态度差"):
    return complaint_receive(
        actor=clerk,
        customer=customer,
        fields={
            "received_at": timezone.now() - timedelta(days=30),
            "channel": "phone",
            "category": "service",
            "severity": "normal",
            "content": content,
        },
    )


def _far_clerk(other_department):
    user = UserFactory(username="far_clerk", department=other_department)
    user.groups.add(Group.objects.get(name="clerk"))
    return user


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_my_work_page_lives_in_the_desk_at_the_old_address():
    from django.urls import resolve

    assert reverse("home") == "/"
    assert resolve("/").func.__module__ == "desk.views"


def test_customers_no_longer_import_transactions_or_interactions_for_my_work():
    import customers.views

    assert not hasattr(customers.views, "home")
    for name in ("follow_ups_due", "my_transactions", "complaint_queue"):
        assert not hasattr(customers.views, name), name


def test_a_manager_sees_grants_to_decide_second_approvals_and_overdue_complaints(
    client, clerk, reviewer, manager, approved_customer
):
    grant_request(actor=clerk, customer=approved_customer, purpose="核对开户资料")
    key = services.customer_approve(actor=reviewer, customer=_pending(clerk, tier="key", name="重点客户甲"))
    _overdue_complaint(clerk, approved_customer)
    html = _page(client, manager)
    assert 'data-testid="manager-grants"' in html and "核对开户资料" in html
    assert 'data-testid="manager-second"' in html and key.archive_no in html and "重点客户甲" in html
    assert 'data-testid="manager-overdue"' in html and "营业厅服务态度差" not in html  # the content stays on its page
    assert reverse("review:page", args=[key.pk]) in html
    assert 'data-testid="to-correct"' not in html  # not the clerk's page


def test_a_manager_sees_nothing_of_another_department(
    client, clerk, reviewer, other_department_manager, approved_customer
):
    grant_request(actor=clerk, customer=approved_customer, purpose="核对开户资料")
    key = services.customer_approve(actor=reviewer, customer=_pending(clerk, tier="key"))
    complaint = _overdue_complaint(clerk, approved_customer)
    html = _page(client, other_department_manager)
    assert "核对开户资料" not in html and key.archive_no not in html and complaint.number not in html
    assert approved_customer.archive_no not in html


def test_a_reviewer_sees_the_head_of_the_queue_and_the_entries_they_returned(client, clerk, reviewer):
    first = _pending(clerk, name="先到客户")
    _pending(clerk, name="后到客户")
    returned = services.customer_return(actor=reviewer, customer=_pending(clerk, name="退回客户"), reason="证件照模糊")
    html = _page(client, reviewer)
    queue = html.split('data-testid="reviewer-queue"')[1].split("</section>")[0]
    assert queue.index("先到客户") < queue.index("后到客户")  # oldest first
    assert f'href="{reverse("review:page", args=[first.pk])}" data-testid="review-next"' in queue
    returns = html.split('data-testid="reviewer-returns"')[1].split("</section>")[0]
    assert returned.archive_no in returns and "证件照模糊" in returns
    assert "先到客户" not in returns
    assert 'data-testid="manager-grants"' not in html and 'data-testid="to-correct"' not in html


def test_a_security_officer_sees_alerts_and_the_chain_not_the_clerks_page(client, security_officer, clerk):
    access_log_record(action=AccessLog.Action.REVEAL_REFUSED, actor=clerk)
    access_log_record(action=AccessLog.Action.LOGIN, actor=clerk)
    html = _page(client, security_officer)
    alerts = html.split('data-testid="security-alerts"')[1].split("</section>")[0]
    assert "拒绝" in alerts and clerk.username in alerts
    assert "登录" not in alerts.split("<tbody>")[1]  # an ordinary log-in is no alert
    assert 'data-testid="chain-status"' in html and 'data-testid="verify-chain"' in html
    for clerk_panel in ("to-correct", "my-transactions", "manager-grants", "reviewer-queue"):
        assert f'data-testid="{clerk_panel}"' not in html


def test_a_security_officer_sees_no_alert_of_another_department(client, security_officer, other_department):
    far = _far_clerk(other_department)
    access_log_record(action=AccessLog.Action.REVEAL_REFUSED, actor=far)
    html = _page(client, security_officer)
    assert far.username not in html.split('data-testid="security-alerts"')[1].split("</section>")[0]


def test_a_clerk_sees_their_own_entries_and_no_decision_panels(client, clerk):
    draft = CustomerFactory(actor=clerk, name="草稿客户")
    html = _page(client, clerk)
    assert draft.archive_no in html.split('data-testid="to-correct"')[1].split("</section>")[0]
    for panel in ("manager-grants", "reviewer-queue", "security-alerts"):
        assert f'data-testid="{panel}"' not in html


def test_a_user_without_a_role_is_told_why_the_page_is_empty(client, superuser):
    html = _page(client, superuser)
    assert 'data-testid="no-role"' in html


def test_a_panel_count_is_bounded_and_says_more_beyond_its_cap(clerk, reviewer, manager, monkeypatch):
    from desk import selectors

    monkeypatch.setattr(selectors._PanelPaginator, "cap", 2)
    monkeypatch.setattr(selectors, "PANEL_CAP", 2)
    for n in range(4):
        _pending(clerk, name=f"客户{n}")
    work = selectors.reviewer_work(user=reviewer)
    assert work.entries.count == "2+"
    assert len(work.entries.rows) == 4  # the head is still shown in full


def _grow(clerk, reviewer, n):
    for i in range(n):
        approved = services.customer_approve(actor=reviewer, customer=_pending(clerk))
        grant_request(actor=clerk, customer=approved, purpose=f"核对{i}")
        customer = _pending(clerk, tier="key")
        services.customer_approve(actor=reviewer, customer=customer)
        _pending(clerk)
        returned = _pending(clerk)
        services.customer_return(actor=reviewer, customer=returned, reason="请补充")
        _overdue_complaint(clerk, approved)
        access_log_record(action=AccessLog.Action.LOGIN_FAILED, actor=clerk)


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "manager", "security_officer"])
def test_each_roles_my_work_costs_the_same_queries_as_rows_grow(
    persona, request, client, clerk, reviewer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(persona)
    _grow(clerk, reviewer, 2)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    _grow(clerk, reviewer, 12)
    with django_assert_max_num_queries(len(few)):
        assert client.get(reverse("home")).status_code == 200


def test_a_security_officer_sees_destruction_requests_to_approve_only_when_some_wait(
    client, clerk, reviewer, manager, security_officer
):
    from lifecycle.models import DestructionBasis
    from lifecycle.services import destruction
    from tests.lifecycle.conftest import make_doomed

    assert 'data-testid="security-destructions"' not in _page(client, security_officer)  # no empty slot
    doomed = make_doomed(clerk=clerk, reviewer=reviewer, manager=manager)
    request = destruction.destruction_request(
        actor=manager, customer=doomed.customer, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    html = _page(client, security_officer)
    panel = html.split('data-testid="security-destructions"')[1].split("</section>")[0]
    assert doomed.customer.archive_no in panel and "保存期限已过" in panel
    assert reverse("lifecycle:destruction", args=[request.pk]) in panel
