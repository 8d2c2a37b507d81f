"""The incident report (issue 18 item 3): what an account looked at, revealed,
searched for and exported in a window — counts per customer (archive number,
masked name) and per kind of field, never a value — and its logged export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog
from customers import services
from customers.services import customer_reveal
from tests.watch.conftest import EXPORT, LOOKUP, local_noon, log
from watch import selectors


def _report(client, **query):
    return client.get(reverse("watch:report"), query)


@pytest.fixture
def busy_manager(manager, approved):
    for _ in range(3):
        customer_reveal(actor=manager, customer=approved, field="id_number", purpose="核对身份")
    customer_reveal(actor=manager, customer=approved, field="bank_account", purpose="核对账户")
    log(manager, LOOKUP, 2, field="id_number", detail={"kinds": ["id_number"], "matched": 1})
    log(manager, EXPORT, detail={"what": "customers", "format": "csv", "rows": 40})
    log(manager, EXPORT, when=local_noon(30), detail={"what": "customers", "format": "xlsx", "rows": 9})
    return manager


@pytest.mark.django_db
def test_the_report_counts_per_customer_and_field_and_shows_no_value(client, security_officer, busy_manager, approved):
    client.force_login(security_officer)
    today = local_noon(0).date().isoformat()
    body = _report(client, user="manager", since=today, until=today).content.decode()
    assert approved.archive_no in body
    assert approved.name[0] + "***" in body and approved.name not in body
    assert approved.id_number not in body and approved.bank_account not in body
    report = selectors.incident_report(account=busy_manager, since=local_noon(1), until=local_noon(-1))
    line = next(row for row in report.customers if row.customer_id == approved.pk)
    assert line.count_of(AccessLog.Action.REVEAL) == 4
    assert line.fields == {"id_number": 3, "bank_account": 1}
    assert report.counts[AccessLog.Action.LOOKUP] == 2 and report.lookups_matched == 2
    assert report.exports == [("customers", "csv", 1, 40)]  # the export of a month ago is outside the window


@pytest.mark.django_db
def test_a_window_to_year_9999_reaches_everything_and_a_reversed_one_is_refused(client, security_officer, busy_manager):
    client.force_login(security_officer)
    wide = _report(client, user="manager", since="0001-01-01", until="9999-12-31")
    assert wide.status_code == 200 and wide.context["report"].exports[0][2] == 1
    assert sum(n for _w, _f, n, _r in wide.context["report"].exports) == 2
    reversed_window = _report(client, user="manager", since="2026-05-02", until="2026-05-01")
    assert reversed_window.status_code == 200 and reversed_window.context["report"] is None
    assert "until" in reversed_window.context["form"].errors


@pytest.mark.django_db
def test_an_account_of_another_department_or_oneself_is_no_such_account(
    client, security_officer, other_department_manager
):
    client.force_login(security_officer)
    for name in ("other_manager", "security", "nobody"):
        response = _report(client, user=name, since="2026-01-01", until="2026-12-31")
        assert response.context["report"] is None and "user" in response.context["form"].errors


@pytest.mark.django_db
def test_the_export_is_logged_and_carries_no_value(client, security_officer, busy_manager, approved):
    client.force_login(security_officer)
    url = reverse("watch:report_export", kwargs={"file_format": "csv"})
    response = client.get(url, {"user": "manager", "since": "2000-01-01", "until": "9999-12-31"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert approved.archive_no in text and approved.id_number not in text and approved.name not in text
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, actor=security_officer).get()
    assert entry.detail["what"] == "incident_report" and entry.detail["filter"]["user"] == "manager"
    xlsx = client.get(
        reverse("watch:report_export", kwargs={"file_format": "xlsx"}),
        {"user": "manager", "since": "2000-01-01", "until": "9999-12-31"},
    )
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_the_report_counts_the_records_the_account_changed(client, security_officer, clerk, approved):
    services.change_request_create(actor=clerk, customer=approved, fields={"occupation": "教师"}, reason="更新")
    report = selectors.incident_report(account=clerk, since=local_noon(1), until=local_noon(-1))
    assert report.changed >= 1
    assert any(row.customer_id == approved.pk and row.count_of("changed") for row in report.customers)


@pytest.mark.django_db
def test_the_report_costs_the_same_queries_for_many_customers(django_assert_max_num_queries, clerk, reviewer, manager):
    from customers import services as customer_services
    from tests.factories import CustomerFactory

    for n in range(12):
        customer = customer_services.customer_approve(
            actor=reviewer,
            customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=50 + n)),
        )
        customer_reveal(actor=manager, customer=customer, field="id_number", purpose="核对")
    with django_assert_max_num_queries(5):
        report = selectors.incident_report(account=manager, since=local_noon(1), until=local_noon(-1))
    assert len(report.customers) == 12
