"""A handler logs a call with a follow-up and works a complaint to its close;
the customer page shows both in its timeline (issue 7)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from customers import services as customer_services
from interactions.models import Complaint, ComplaintStatus, Interaction
from tests.browser.test_review import _log_in
from tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_log_a_call_then_receive_resolve_and_close_a_complaint(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    clerk, reviewer = User.objects.get(username="clerk1"), User.objects.get(username="reviewer1")
    customer = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    _log_in(page, live_server, "clerk1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")

    page.get_by_test_id("log-contact").click()
    page.select_option("#id_channel", "phone")
    page.select_option("#id_direction", "inbound")
    page.select_option("#id_kind", "consultation")
    page.fill("#id_summary", "来电咨询养老规划")
    page.fill("#id_content", "客户希望下周了解具体方案。")
    page.fill("#id_follow_up_at", (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/#contacts$"))
    assert Interaction.objects.get().follow_up_at is not None

    page.get_by_test_id("new-complaint").click()
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "billing")
    page.select_option("#id_severity", "high")
    page.fill("#id_content", "会员费被重复扣除。")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/service/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    assert page.get_by_test_id("complaint-status").inner_text() == "待处理"

    page.get_by_test_id("move-investigating").click()
    page.wait_for_load_state()
    page.get_by_test_id("move-resolved").click()  # without a resolution: the browser asks for one
    assert Complaint.objects.get().status == ComplaintStatus.INVESTIGATING
    page.fill("#resolution", "已核实重复扣款并原路退还，向客户致歉。")
    page.get_by_test_id("move-resolved").click()
    page.wait_for_load_state()
    assert "原路退还" in page.get_by_test_id("resolution").inner_text()
    page.select_option("#satisfaction", "4")
    page.get_by_test_id("move-closed").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("complaint-status").inner_text() == "已关闭"
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.satisfaction == 4

    page.goto(f"{live_server.url}/customers/{customer.pk}/#timeline")
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "来电咨询养老规划" in timeline and complaint.number in timeline
