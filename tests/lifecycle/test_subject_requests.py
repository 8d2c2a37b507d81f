"""The customer's own requests (issue 17 item 5, PIPL arts. 44-47)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from customers.models import Customer
from lifecycle import selectors
from lifecycle.models import SubjectRequestStatus
from lifecycle.services import destruction, subject
from lifecycle.services.subject import subject_request_due

FRIDAY = date(2026, 11, 20)


def test_the_deadline_counts_weekends_like_any_other_day(settings):
    settings.CRM_SUBJECT_REQUEST_DAYS = 15
    assert FRIDAY.weekday() == 4
    due = subject_request_due(FRIDAY)
    assert due == date(2026, 12, 5) and due.weekday() == 5  # two weekends counted; a Saturday stays a Saturday
    settings.CRM_SUBJECT_REQUEST_DAYS = 1
    assert subject_request_due(FRIDAY) == date(2026, 11, 21)


@pytest.mark.django_db
def test_a_request_received_three_weeks_ago_is_overdue_and_near_the_manager(approved_customer, clerk, manager):
    request = subject.subject_request_record(
        actor=clerk, customer=approved_customer, kind="copy", received_on=timezone.localdate() - timedelta(days=21)
    )
    assert request.overdue
    assert list(selectors.subject_requests_near_deadline_for(manager)) == [request]
    with pytest.raises(ValidationError):
        subject.subject_request_record(
            actor=clerk, customer=approved_customer, kind="copy", received_on=timezone.localdate() + timedelta(days=1)
        )


@pytest.mark.django_db
def test_a_copy_comes_only_after_the_identity_check_in_chinese_masked_and_logged(approved_customer, clerk, client):
    request = subject.subject_request_record(
        actor=clerk, customer=approved_customer, kind="copy", received_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        subject.subject_copy(actor=clerk, request=request)
    subject.subject_request_identity_checked(actor=clerk, request=request, method="柜台核验身份证原件")
    client.force_login(clerk)

    text = client.get(reverse("lifecycle:subject_request_copy", args=[request.pk])).content.decode("utf-8")

    customer = Customer.objects.get(pk=approved_customer.pk)
    assert f"档案编号: {customer.archive_no}" in text  # Chinese, whatever the staff member's language
    assert customer.name in text and customer.id_number not in text  # S3 masked
    assert customer.id_number[-4:] in text
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.customer_id == customer.pk and entry.detail["what"] == "subject_copy"


@pytest.mark.django_db
def test_a_deletion_is_answered_by_a_destruction_request(approved_customer, clerk, manager):
    request = subject.subject_request_record(
        actor=manager, customer=approved_customer, kind="deletion", received_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        subject.subject_request_answer(actor=manager, request=request)
    destruction.destruction_request(
        actor=manager, customer=approved_customer, basis="subject_request", reason="客户要求删除"
    )
    assert subject.subject_request_answer(actor=manager, request=request).status == SubjectRequestStatus.DONE


@pytest.mark.django_db
def test_a_withdrawal_of_consent_ends_the_retention_today(approved_customer, clerk, manager):
    request = subject.subject_request_record(
        actor=clerk, customer=approved_customer, kind="withdrawal", received_on=timezone.localdate()
    )
    subject.subject_request_answer(actor=clerk, request=request, answer="已停止联系")

    customer = Customer.objects.get(pk=approved_customer.pk)
    assert customer.retention_until == timezone.localdate()
    assert request.number in customer.history.first().history_change_reason


@pytest.mark.django_db
def test_another_clerk_cannot_record_a_request_for_a_record_they_do_not_hold(approved_customer, other_clerk):
    with pytest.raises(PermissionDenied):
        subject.subject_request_record(
            actor=other_clerk, customer=approved_customer, kind="copy", received_on=timezone.localdate()
        )


@pytest.mark.django_db
def test_after_a_withdrawal_no_greeting_or_survey_is_recorded_but_service_contacts_are(approved_customer, clerk):
    from interactions import services as interaction_services

    request = subject.subject_request_record(
        actor=clerk, customer=approved_customer, kind="withdrawal", received_on=timezone.localdate()
    )
    subject.subject_request_answer(actor=clerk, request=request)
    when = timezone.now() - timedelta(hours=1)
    contact = {"channel": "sms", "direction": "outbound", "occurred_at": when, "summary": "节日问候"}

    with pytest.raises(ValidationError, match="withdrew consent|撤回"):
        interaction_services.interaction_log(
            actor=clerk, customer=approved_customer, fields={**contact, "kind": "greeting"}
        )
    with pytest.raises(ValidationError):
        interaction_services.feedback_record(
            actor=clerk,
            customer=approved_customer,
            fields={"surveyed_at": when, "service_quality": 5, "price": 5, "overall": 5},
        )
    after_sales = {**contact, "kind": "after_sales", "summary": "售后回访"}
    assert interaction_services.interaction_log(actor=clerk, customer=approved_customer, fields=after_sales).pk
