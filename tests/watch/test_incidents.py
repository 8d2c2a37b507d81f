"""Incidents and their breach-notice drafts (issue 18 item 3, PIPL art. 57)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AccessLog
from customers.services import customer_reveal
from tests.watch.conftest import local_noon
from watch.models import Incident, IncidentStatus
from watch.services import account_lock, incident_open

DESCRIPTION = "经理账户在夜间批量查看客户证件号码"


@pytest.fixture
def incident(manager, security_officer, approved):
    customer_reveal(actor=manager, customer=approved, field="id_number", purpose="核对身份")
    return incident_open(
        actor=security_officer,
        account=manager,
        since=local_noon(1),
        until=local_noon(-1),
        description=DESCRIPTION,
        measures="已通知部门负责人",
        contact="信息安全员 王五 010-12345678",
    )


@pytest.mark.django_db
def test_an_officer_opens_an_incident_for_an_account_and_window_and_updates_its_status(
    client, security_officer, manager
):
    client.force_login(security_officer)
    response = client.post(
        reverse("watch:incident_create"),
        {"user": "manager", "since": "2026-01-01", "until": "2026-01-31", "description": DESCRIPTION},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("watch:incident", args=[incident.pk])
    assert (incident.account, incident.opened_by, incident.department) == (
        manager,
        security_officer,
        manager.department,
    )
    assert incident.since < incident.until
    url = reverse("watch:incident", args=[incident.pk])
    assert client.post(url, {"status": "contained", "measures": "已锁定账户", "contact": ""}).status_code == 302
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CONTAINED and incident.measures == "已锁定账户"


@pytest.mark.django_db
def test_an_incident_with_a_reversed_window_is_not_opened(client, security_officer, manager):
    client.force_login(security_officer)
    response = client.post(
        reverse("watch:incident_create"),
        {"user": "manager", "since": "9999-12-31", "until": "2026-01-31", "description": DESCRIPTION},
    )
    assert response.status_code == 200 and not Incident.objects.exists()


@pytest.mark.django_db
def test_the_notice_draft_is_chinese_by_default_with_masked_customers_harm_measures_and_contact(
    client, security_officer, manager, approved, incident
):
    account_lock(actor=security_officer, account=manager, reason="疑似泄露")
    client.force_login(security_officer)
    body = client.get(reverse("watch:notice", args=[incident.pk])).content.decode()
    assert "个人信息安全事件" in body  # the title, in Chinese
    assert DESCRIPTION in body and approved.archive_no in body and approved.name[0] + "***" in body
    assert approved.name not in body and approved.id_number not in body
    assert "身份" in body  # the harm of ID numbers reached
    assert "已通知部门负责人" in body and "manager" in body  # the measures, the lock among them
    assert "010-12345678" in body


@pytest.mark.django_db
def test_the_notice_is_english_when_the_ui_is_and_its_download_is_logged(client, security_officer, approved, incident):
    client.force_login(security_officer)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(reverse("watch:notice", args=[incident.pk]))
        download = client.get(reverse("watch:notice_download", args=[incident.pk]))
    assert "Notice of a personal-information incident" in page.content.decode()
    text = download.content.decode()
    assert download["Content-Disposition"].startswith("attachment") and "ID numbers" in text
    assert approved.archive_no in text and approved.id_number not in text
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, actor=security_officer).get()
    assert entry.detail["what"] == "breach_notice" and entry.detail["filter"]["incident"] == incident.number


@pytest.mark.django_db
def test_another_departments_officer_or_a_manager_cannot_open_the_incident(
    client, manager, other_department_manager, incident
):
    for user in (manager, other_department_manager):
        client.force_login(user)
        assert client.get(reverse("watch:incident", args=[incident.pk])).status_code == 404
        assert client.get(reverse("watch:notice", args=[incident.pk])).status_code == 404


@pytest.mark.django_db
def test_a_lock_started_from_an_incident_is_kept_with_it_and_shown_in_the_notice(
    client, security_officer, manager, incident
):
    client.force_login(security_officer)
    url = reverse("watch:lock", kwargs={"pk": manager.pk})
    page = client.get(url, {"incident": incident.pk})
    assert f'value="{incident.pk}"' in page.content.decode()
    client.post(url, {"reason": "疑似泄露", "confirm": "on", "incident": incident.pk})
    assert list(incident.locks.values_list("reason", flat=True)) == ["疑似泄露"]
    body = client.get(reverse("watch:notice", args=[incident.pk])).content.decode()
    assert "账户 manager 已于" in body


@pytest.mark.django_db
def test_the_report_page_lists_the_accounts_the_officer_watches_and_not_others(
    client, security_officer, clerk, other_department_manager
):
    client.force_login(security_officer)
    body = client.get(reverse("watch:report")).content.decode()
    assert "?user=clerk&amp;since=" in body
    assert "other_manager" not in body and "?user=security&amp;" not in body
