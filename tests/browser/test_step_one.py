"""Say it at step 1 (issue 22 item 1), the English walk-through and a double
submit, in the browser."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Department, User
from customers import services as customer_services
from customers.models import Customer, Status
from interactions.models import Complaint
from lifecycle.models import DestructionRequest
from tests.browser.test_review import _log_in
from tests.factories import CustomerFactory, make_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_missing_consent_and_a_childs_guardian_are_said_beside_the_fields_at_step_one(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    before = Customer.objects.count()  # the demo's lifecycle examples
    _log_in(page, live_server, "clerk1")
    page.get_by_role("link", name="新建客户").first.click()
    assert page.get_by_test_id("mark-consent_purpose").inner_text() == "*"
    born = timezone.localdate() - timedelta(days=365 * 9)
    page.select_option("#id_kind", "individual")
    page.fill("#id_name", "李小明")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", make_resident_id(born))
    page.fill("#id_mobile", "1381234")
    page.get_by_test_id("save").click()
    page.get_by_test_id("form-errors").wait_for(state="visible")
    for field in ("consent_purpose", "consent_at", "retention_until", "guardian_name", "guardian_consent_at"):
        assert page.get_by_test_id(f"error-{field}").is_visible(), field
    assert "11 位" in page.get_by_test_id("error-mobile").inner_text()
    summary = page.get_by_test_id("error-summary").inner_text()
    assert "告知客户" in summary and "十四周岁" in summary
    assert page.input_value("#id_name") == "李小明"  # nothing typed is lost
    assert Customer.objects.count() == before

    page.fill("#id_mobile", "138 1234 5678")
    page.fill("#id_consent_purpose", "开户及客户服务")
    page.fill("#id_consent_at", "2026-01-02T10:00")
    page.fill("#id_retention_until", "2036-01-02")
    page.fill("#id_guardian_name", "李大明")
    page.fill("#id_guardian_consent_at", "2026-01-02T10:00")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/customers/\d+/confirm/$"))
    assert page.get_by_test_id("findings").count() == 0
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{live_server.url}/")
    assert Customer.objects.get(name="李小明").status == Status.PENDING


def test_an_english_walk_through_shows_no_chinese_where_the_data_has_none(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    for user, paths in {
        # (The import page names the spreadsheet's Chinese column headers, as a file must spell them.)
        "clerk1": ["/", "/customers/", "/customers/new/", "/transactions/", "/service/complaints/"],
        "reviewer1": ["/", "/review/"],
        "manager1": ["/", "/customers/grants/"],
        # (The change trail shows stored values and reasons: data, left to the trail's own tests.)
        "security1": ["/", "/audit/"],
    }.items():
        _log_in(page, live_server, user)
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
        data = [
            *Department.objects.values_list("name", flat=True),
            *(u.display_name for u in User.objects.all()),
            *Customer.objects.values_list("name", flat=True),
            *DestructionRequest.objects.values_list("reason", flat=True),
        ]
        for path in [*paths, "/help/", "/help/clerk/"]:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == "en", path
            # Data aside (department and people's names) and the language list (each language in its own words).
            text = page.evaluate(
                """data => { const body = document.body.cloneNode(true);
                  body.querySelectorAll('#language').forEach(e => e.remove());
                  let text = body.innerText;
                  for (const name of data) text = text.split(name).join('');
                  return text; }""",
                data,
            )
            found = CHINESE.findall(text)
            assert not found, (user, path, "".join(found)[:80])


def test_a_double_click_on_save_makes_one_complaint_and_the_second_click_is_told(live_server, page):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    clerk, reviewer = User.objects.get(username="clerk1"), User.objects.get(username="reviewer1")
    customer = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    _log_in(page, live_server, "clerk1")
    page.goto(f"{live_server.url}/service/complaints/new/?customer={customer.pk}")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "billing")
    page.select_option("#id_severity", "high")
    page.fill("#id_content", "会员费被重复扣除。")
    page.get_by_test_id("save").dblclick()
    # Whichever request the browser shows last: the saved complaint, or the form saying it was sent already.
    page.get_by_text(re.compile("已保存|已经提交过")).first.wait_for()
    assert Complaint.objects.count() == 1
    # The same page sent again (the browser's resend): told, and still one complaint.
    page.goto(f"{live_server.url}/service/complaints/new/?customer={customer.pk}")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "billing")
    page.select_option("#id_severity", "high")
    page.fill("#id_content", "第二次投诉")
    token = page.input_value("input[name=form_token]")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/service/complaints/\d+/$"))
    page.goto(f"{live_server.url}/service/complaints/new/?customer={customer.pk}")
    page.evaluate("t => { document.querySelector('input[name=form_token]').value = t; }", token)
    page.select_option("#id_channel", "phone")
    page.select_option("#id_category", "billing")
    page.select_option("#id_severity", "high")
    page.fill("#id_content", "第二次投诉")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "已经提交过" in page.locator("main").inner_text()
    assert Complaint.objects.count() == 2
