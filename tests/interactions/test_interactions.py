"""Contacts, complaints, surveys and the one-screen customer view (issue 7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.reasons import decode, reason_text
from interactions import services
from interactions.models import COMPLAINT_MOVES, Complaint, ComplaintStatus, Feedback, Interaction, due_for
from interactions.selectors import complaint_queue, follow_ups_due
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _complaint(clerk, customer, **fields) -> Complaint:
    values = {
        "received_at": timezone.now() - timedelta(hours=1),
        "channel": "phone",
        "category": "service",
        "severity": "normal",
        "content": "营业厅服务态度差",
        **fields,
    }
    return services.complaint_receive(actor=clerk, customer=customer, fields=values)


def _in(status: str, clerk, customer) -> Complaint:
    complaint = _complaint(clerk, customer)
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, resolution="已处理" if status in ("resolved", "closed") else ""
    )
    complaint.refresh_from_db()
    return complaint


# The complaint state machine ---------------------------------------------------------

LEGAL = [(start, to) for start, targets in COMPLAINT_MOVES.items() for to in targets]
ILLEGAL = [(s, t) for s in ComplaintStatus.values for t in ComplaintStatus.values if t not in COMPLAINT_MOVES[s]]
NEEDS = {"resolved": {"resolution": "已退款并致歉"}, "closed": {"satisfaction": 4}, "open": {"reason": "问题再次出现"}}


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), LEGAL)
def test_every_legal_complaint_move_is_made_and_recorded(clerk, approved_customer, start, to):
    complaint = _in(start, clerk, approved_customer)
    moved = services.complaint_move(actor=clerk, complaint=complaint, to=to, **NEEDS.get(to, {}))
    assert moved.status == to
    record = moved.history.first()
    assert record.history_user == clerk and record.status == to
    stored = decode(record.history_change_reason)
    assert (stored["code"], stored["old"], stored["new"]) == ("moved", start, to)
    assert "→" in reason_text(record.history_change_reason, model=type(record))


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_every_illegal_complaint_move_is_refused(clerk, approved_customer, start, to):
    complaint = _in(start, clerk, approved_customer)
    with pytest.raises(ValidationError) as caught:
        services.complaint_move(actor=clerk, complaint=complaint, to=to, **NEEDS.get(to, {}))
    assert complaint.number in caught.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.status == start


@pytest.mark.django_db
def test_resolving_needs_a_resolution_closing_a_score_and_reopening_a_reason(clerk, approved_customer):
    complaint = _in("investigating", clerk, approved_customer)
    with pytest.raises(ValidationError) as caught:
        services.complaint_move(actor=clerk, complaint=complaint, to="resolved", resolution="  ")
    assert "resolution" in caught.value.message_dict
    complaint = services.complaint_move(actor=clerk, complaint=complaint, to="resolved", resolution="已退款")
    for bad in (None, 0, 6):
        with pytest.raises(ValidationError) as caught:
            services.complaint_move(actor=clerk, complaint=complaint, to="closed", satisfaction=bad)
        assert "satisfaction" in caught.value.message_dict
    complaint = services.complaint_move(actor=clerk, complaint=complaint, to="closed", satisfaction=5)
    with pytest.raises(ValidationError) as caught:
        services.complaint_move(actor=clerk, complaint=complaint, to="open")
    assert "reason" in caught.value.message_dict
    before = timezone.now()
    complaint = services.complaint_move(actor=clerk, complaint=complaint, to="open", reason="客户再次投诉")
    assert complaint.satisfaction is None and complaint.resolved_at is None
    assert complaint.due_at >= due_for("normal", before)  # a fresh deadline from reopening
    assert decode(complaint.history.first().history_change_reason)["note"] == "客户再次投诉"


@pytest.mark.django_db
def test_the_database_keeps_scores_in_range_and_resolutions_present(clerk, approved_customer):
    complaint = _complaint(clerk, approved_customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(satisfaction=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status="resolved", resolution="")


@pytest.mark.django_db
def test_a_reviewer_cannot_work_on_complaints(reviewer, clerk, approved_customer):
    complaint = _complaint(clerk, approved_customer)
    with pytest.raises(PermissionDenied):
        services.complaint_move(actor=reviewer, complaint=complaint, to="investigating")


# Deadlines ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("severity", "hours"), [("critical", 24), ("high", 72), ("normal", 168), ("low", 360)])
def test_the_deadline_follows_the_severity(clerk, approved_customer, severity, hours):
    received = timezone.now() - timedelta(minutes=5)
    complaint = _complaint(clerk, approved_customer, severity=severity, received_at=received)
    assert complaint.due_at == received + timedelta(hours=hours)


@pytest.mark.django_db
def test_overdue_is_decided_to_the_minute_around_midnight_in_shanghai(clerk, approved_customer):
    # Received at 00:30 Shanghai time, which is still the previous day in UTC.
    received = datetime(2026, 11, 16, 0, 30, tzinfo=SHANGHAI)
    assert received.astimezone(ZoneInfo("UTC")).day == 15
    complaint = _complaint(clerk, approved_customer, severity="normal", received_at=received)
    due_local = timezone.localtime(complaint.due_at)
    assert (due_local.date().isoformat(), due_local.hour, due_local.minute) == ("2026-11-23", 0, 30)
    just_before = datetime(2026, 11, 23, 0, 29, tzinfo=SHANGHAI)
    just_after = datetime(2026, 11, 23, 0, 31, tzinfo=SHANGHAI)
    assert not complaint.is_overdue(just_before)
    assert complaint.is_overdue(just_after)
    assert complaint not in complaint_queue(user=clerk, overdue_only=True, now=just_before)
    assert complaint in complaint_queue(user=clerk, overdue_only=True, now=just_after)
    # Resolved complaints are never overdue.
    complaint = services.complaint_move(actor=clerk, complaint=complaint, to="investigating")
    complaint = services.complaint_move(actor=clerk, complaint=complaint, to="resolved", resolution="已处理")
    assert not complaint.is_overdue(just_after)


@pytest.mark.django_db
def test_the_queue_puts_overdue_complaints_first(client, clerk, approved_customer):
    late = _complaint(clerk, approved_customer, severity="critical", received_at=timezone.now() - timedelta(days=2))
    fresh = _complaint(clerk, approved_customer, severity="critical")
    slow = _complaint(clerk, approved_customer, severity="low", received_at=timezone.now() - timedelta(days=1))
    done = _in("closed", clerk, approved_customer)
    client.force_login(clerk)
    response = client.get(reverse("interactions:complaints"))
    assert [c.pk for c in response.context["page"].object_list] == [late.pk, fresh.pk, slow.pk]
    assert done.pk not in [c.pk for c in response.context["page"].object_list]
    assert response.context["overdue_count"] == 1
    overdue = client.get(reverse("interactions:complaints"), {"overdue": "1"})
    assert [c.pk for c in overdue.context["page"].object_list] == [late.pk]


# Follow-ups ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_due_follow_up_appears_on_my_work_until_done(client, clerk, approved_customer):
    now = timezone.now()
    due = services.interaction_log(
        actor=clerk,
        customer=approved_customer,
        fields={
            "occurred_at": now - timedelta(days=2),
            "channel": "phone",
            "direction": "outbound",
            "kind": "consultation",
            "summary": "回访理财需求",
            "follow_up_at": now - timedelta(hours=1),
        },
    )
    later = services.interaction_log(
        actor=clerk,
        customer=approved_customer,
        fields={
            "occurred_at": now - timedelta(days=1),
            "channel": "wechat",
            "direction": "inbound",
            "kind": "after_sales",
            "summary": "约定下周安装",
            "follow_up_at": now + timedelta(days=5),
        },
    )
    assert list(follow_ups_due(user=clerk)) == [due]
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert "回访理财需求" in html and "约定下周安装" not in html
    client.post(reverse("interactions:follow_up_done", args=[due.pk]), {"next": "home"})
    assert list(follow_ups_due(user=clerk)) == []
    assert list(follow_ups_due(user=clerk, now=now + timedelta(days=6))) == [later]


@pytest.mark.django_db
def test_bad_contact_input_is_refused_with_messages(client, clerk, approved_customer):
    client.force_login(clerk)
    url = reverse("interactions:interaction_create") + f"?customer={approved_customer.pk}"
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {"occurred_at": future, "channel": "fax", "direction": "inbound", "kind": "other", "summary": "保留"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"channel"}
    response = client.post(
        url, {"occurred_at": future, "channel": "phone", "direction": "inbound", "kind": "other", "summary": "保留"}
    )
    assert "occurred_at" in response.context["form"].errors
    assert not Interaction.objects.exists()


# Row permissions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_contacts_complaints_and_surveys_follow_their_customer(
    client, clerk, other_clerk, manager, other_department_manager, approved_customer
):
    item = services.interaction_log(
        actor=clerk,
        customer=approved_customer,
        fields={
            "occurred_at": timezone.now(),
            "channel": "visit",
            "direction": "outbound",
            "kind": "visit",
            "summary": "上门拜访",
        },
    )
    complaint = _complaint(clerk, approved_customer)
    services.feedback_record(
        actor=clerk,
        customer=approved_customer,
        fields={"surveyed_at": timezone.now(), "service_quality": 5, "price": 4, "overall": 5},
    )
    urls = [reverse("interactions:interaction", args=[item.pk]), reverse("interactions:complaint", args=[complaint.pk])]
    for user, status in [(clerk, 200), (manager, 200), (other_clerk, 404), (other_department_manager, 404)]:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (user.username, url)
        queue = client.get(reverse("interactions:complaints")).context["page"].object_list
        assert (complaint in list(queue)) == (status == 200)
        move = client.post(reverse("interactions:complaint_move", args=[complaint.pk]), {"to": "investigating"})
        assert move.status_code == (302 if status == 200 else 404)
        new = client.get(reverse("interactions:feedback_create") + f"?customer={approved_customer.pk}")
        assert new.status_code in ((200,) if user == clerk else (200, 404) if status == 200 else (404,))
    assert Feedback.objects.count() == 1


# The one-screen view ---------------------------------------------------------------------


def _related(clerk, reviewer, customer, n: int) -> None:
    from transactions import services as txn_services

    now = timezone.now()
    for i in range(n):
        at = now - timedelta(hours=i + 1)
        services.interaction_log(
            actor=clerk,
            customer=customer,
            fields={
                "occurred_at": at,
                "channel": "phone",
                "direction": "inbound",
                "kind": "other",
                "summary": f"通话{i}",
            },
        )
        _complaint(clerk, customer, received_at=at, content=f"投诉{i}")
        services.feedback_record(
            actor=clerk,
            customer=customer,
            fields={"surveyed_at": at, "service_quality": 4, "price": 3, "overall": 4, "comment": f"问卷{i}"},
        )
        txn = txn_services.transaction_create(
            actor=clerk, customer=customer, fields={"kind": "purchase", "occurred_at": at, "amount": 10 + i}
        )
        txn_services.transaction_approve(actor=reviewer, txn=txn_services.transaction_submit(actor=clerk, txn=txn))


@pytest.mark.django_db
def test_the_customer_page_shows_everything_and_a_timeline_newest_first(client, clerk, reviewer, approved_customer):
    _related(clerk, reviewer, approved_customer, 3)
    client.force_login(clerk)
    response = client.get(reverse("customers:detail", args=[approved_customer.pk]))
    html = response.content.decode()
    from transactions.models import Transaction

    complaint = Complaint.objects.filter(customer=approved_customer).first()
    txn = Transaction.objects.filter(customer=approved_customer).first()
    for text in ("通话0", complaint.number, "问卷0", txn.number, approved_customer.archive_no):
        assert text in html, text
    timeline = response.context["timeline"]
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)
    kinds = {e.kind for e in timeline}
    assert {"联系记录", "投诉", "满意度调查", "交易", "档案", "审核"} <= kinds, kinds


@pytest.mark.django_db
def test_the_customer_page_query_count_is_the_same_for_5_and_200_related_rows(
    client, clerk, reviewer, approved_customer
):
    _related(clerk, reviewer, approved_customer, 5)
    client.force_login(clerk)
    url = reverse("customers:detail", args=[approved_customer.pk])
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    _related(clerk, reviewer, approved_customer, 195)
    with CaptureQueriesContext(connection) as two_hundred:
        response = client.get(url)
    assert len(response.context["timeline"]) == 50
    assert len(two_hundred) == len(five)


# Tags ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_managers_add_and_remove_tags_and_lists_filter_by_them(client, clerk, manager, approved_customer):
    client.force_login(clerk)
    client.post(reverse("customers:tags", args=[approved_customer.pk]), {"tag": "大客户"})
    assert not approved_customer.tags.filter(name="大客户").exists()  # clerks do not tag
    client.force_login(manager)
    client.post(reverse("customers:tags", args=[approved_customer.pk]), {"tag": "大客户"})
    assert approved_customer.tags.filter(name="大客户").exists()
    assert decode(approved_customer.history.first().history_change_reason) == {"code": "tag_added", "tag": "大客户"}
    other = CustomerFactory(actor=clerk)
    listed = client.get(reverse("customers:list"), {"tag": "大客户"}).context["rows"]
    assert [row.customer.pk for row in listed] == [approved_customer.pk] and other.pk
    client.post(reverse("customers:tags", args=[approved_customer.pk]), {"tag": "大客户", "action": "remove"})
    assert not approved_customer.tags.filter(name="大客户").exists()
    too_long = client.post(reverse("customers:tags", args=[approved_customer.pk]), {"tag": "长" * 31}, follow=True)
    assert too_long.status_code == 200 and not approved_customer.tags.filter(name="长" * 31).exists()
