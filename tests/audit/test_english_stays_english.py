"""Issue 22 item 4: what the trail stores is data, put into words in the reader's
language. Records written while the actors' screens were Chinese read in English
for an English reader — the timeline, the change trail, complaint and order
history, grant decisions, the admin's headers and group names — and the reverse."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessLog
from audit.services import access_log_record
from customers import services as customer_services
from interactions import services as interaction_services
from tests.factories import CustomerFactory
from transactions import services as transaction_services

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


class _Section(HTMLParser):
    """The text inside the first element carrying `attribute="value"`."""

    def __init__(self, attribute: str, value: str) -> None:
        super().__init__()
        self.attribute, self.value = attribute, value
        self.depth, self.tag, self.parts, self.found = 0, None, [], False

    def handle_starttag(self, tag, attrs):
        if self.tag is None and not self.found and (self.attribute, self.value) in attrs:
            self.tag, self.depth, self.found = tag, 1, True
        elif self.tag == tag:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.tag == tag:
            self.depth -= 1
            if self.depth == 0:
                self.tag = None

    def handle_data(self, data):
        if self.tag is not None:
            self.parts.append(data)


def section(response, value: str, attribute: str = "data-testid") -> str:
    assert response.status_code == 200, response.status_code
    parser = _Section(attribute, value)
    parser.feed(response.content.decode())
    assert parser.found, f"no element with {attribute}={value!r}"
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def story(department, clerk, reviewer, manager):
    """A customer's year in brief, every step taken with the actor's screen in
    Chinese. What the actors typed is Latin text, so any Chinese on an English
    page would be the product's own words frozen in the writer's language."""
    department.name = "Retail"
    department.save()
    with translation.override("zh-hans"):
        customer = CustomerFactory(actor=clerk, name="Li Wei", consent_purpose="Account opening")
        customer = customer_services.customer_submit(actor=clerk, customer=customer)
        customer = customer_services.customer_approve(actor=reviewer, customer=customer)
        customer_services.customer_tag_add(actor=manager, customer=customer, name="VIP")
        order = transaction_services.order_create(actor=clerk, customer=customer, order_no="DD1001")
        order = transaction_services.order_move(actor=clerk, order=order, to="confirmed")
        txn = transaction_services.transaction_create(
            actor=clerk,
            customer=customer,
            fields={"kind": "purchase", "occurred_at": timezone.now() - timedelta(days=1), "amount": Decimal("10")},
        )
        complaint = interaction_services.complaint_receive(
            actor=clerk,
            customer=customer,
            fields={
                "received_at": timezone.now() - timedelta(hours=1),
                "channel": "phone",
                "category": "service",
                "severity": "normal",
                "content": "Rude at the counter",
            },
        )
        complaint = interaction_services.complaint_move(actor=clerk, complaint=complaint, to="investigating")
        complaint = interaction_services.complaint_move(
            actor=clerk, complaint=complaint, to="resolved", resolution="Apologised"
        )
        complaint = interaction_services.complaint_move(actor=clerk, complaint=complaint, to="open", reason="Again")
        grant = customer_services.grant_request(actor=reviewer, customer=customer, purpose="Check the bank")
        customer_services.grant_approve(actor=manager, grant=grant, note="Fine")
        pending = customer_services.customer_submit(
            actor=clerk, customer=CustomerFactory(actor=clerk, name="Wang Fang", consent_purpose="Service")
        )
        customer_services.customer_reveal(actor=reviewer, customer=pending, field="id_number")
        # How a reviewer's reveal was logged before its basis was a code: the purpose
        # in the reviewer's language.
        access_log_record(
            action=AccessLog.Action.REVEAL,
            actor=reviewer,
            customer=pending,
            field="bank_account",
            purpose="对照原始资料审核",
            detail={"basis": "review"},
        )
    # A version written before reasons were codes keeps its Chinese sentence; it is
    # recognised and read in the reader's language too.
    complaint.history.filter(status="investigating").update(history_change_reason="待处理 → 处理中")
    return {"customer": customer, "order": order, "complaint": complaint, "txn": txn}


def _pages(client, story, clerk, reviewer, manager, security_officer, superuser) -> dict[str, str]:
    """Each section under test, as its reader sees it."""
    customer, order = story["customer"], story["order"]
    client.force_login(clerk)
    detail = client.get(reverse("customers:detail", args=[customer.pk]))
    shown = {
        "timeline": section(detail, "timeline"),
        "change trail": section(detail, "history"),
        "complaint history": section(
            client.get(reverse("interactions:complaint", args=[story["complaint"].pk])), "complaint-history"
        ),
        "transaction trail": section(
            client.get(reverse("transactions:detail", args=[story["txn"].pk])), "transaction-trail"
        ),
    }
    client.force_login(reviewer)
    shown["grant decisions"] = section(client.get(reverse("customers:grants")), "my-grants")
    client.force_login(manager)
    shown["order history"] = section(
        client.get(reverse("admin:transactions_order_history", args=[order.pk])), "change-history", "id"
    )
    index = client.get(reverse("admin:index"))
    shown["admin headers"] = (
        " ".join([section(index, "site-name", "id"), section(index, "content", "id").split(" ")[0]])
        + " "
        + re.search(r"<title>(.*?)</title>", index.content.decode(), re.DOTALL)[1]
    )
    client.force_login(superuser)
    shown["group names"] = section(client.get(reverse("admin:auth_group_changelist")), "result_list", "id")
    shown["a user's groups"] = section(
        client.get(reverse("admin:accounts_user_change", args=[clerk.pk])), "id_groups", "id"
    )
    client.force_login(security_officer)
    shown["audit trail"] = section(client.get(reverse("audit:changes")), "changes")
    shown["access log"] = section(client.get(reverse("audit:access_log")), "access-log")
    return shown


def _in_english(client) -> None:
    client.cookies["django_language"] = "en"


@pytest.mark.django_db
def test_an_english_reader_sees_no_chinese_in_what_chinese_screens_wrote(
    client, story, clerk, reviewer, manager, security_officer, superuser
):
    _in_english(client)
    shown = _pages(client, story, clerk, reviewer, manager, security_officer, superuser)
    for name, text in shown.items():
        assert not CJK.search(text), f"{name}: {text}"
    assert "Pending → Confirmed" in shown["order history"]
    assert "Open → Investigating" in shown["complaint history"]  # the sentence of old, recognised
    assert "Resolved → Open: Again" in shown["complaint history"]
    assert "Tag added: VIP" in shown["change trail"] and "Approved" in shown["change trail"]
    assert "Tag added: VIP" in shown["timeline"]
    assert "Entered" in shown["transaction trail"]
    assert shown["access log"].count("Review against the original documents") >= 3  # two purposes, a basis
    assert "Live access grant" not in shown["access log"] and "1 hour" not in shown["access log"]
    assert "for reviewer" in shown["access log"]
    assert "Custodian administration" in shown["admin headers"]
    for label in ("Clerk", "Reviewer", "Department manager", "Security officer"):
        assert label in shown["group names"] and label in shown["a user's groups"]


@pytest.mark.django_db
def test_a_chinese_reader_sees_chinese_in_what_english_screens_wrote(
    client, department, clerk, reviewer, manager, superuser
):
    department.name = "Retail"
    department.save()
    with translation.override("en"):
        customer = CustomerFactory(actor=clerk, name="Li Wei", consent_purpose="Account opening")
        customer = customer_services.customer_submit(actor=clerk, customer=customer)
        customer = customer_services.customer_approve(actor=reviewer, customer=customer)
        order = transaction_services.order_create(actor=clerk, customer=customer, order_no="DD1002")
        transaction_services.order_move(actor=clerk, order=order, to="confirmed")
    client.force_login(clerk)
    trail = section(client.get(reverse("customers:detail", args=[customer.pk])), "history")
    assert "已审核" in trail and "提交审核" in trail and "Approved" not in trail
    client.force_login(manager)
    history = section(client.get(reverse("admin:transactions_order_history", args=[order.pk])), "change-history", "id")
    assert "待确认 → 已确认" in history and "Pending" not in history and "pending" not in history
    index = client.get(reverse("admin:index"))
    assert "客户信息管理后台" in section(index, "site-name", "id")
    client.force_login(superuser)
    groups = section(client.get(reverse("admin:auth_group_changelist")), "result_list", "id")
    assert "信息录入员" in groups and "clerk" not in groups
    assert Group.objects.filter(name="clerk").exists()  # stored by code; only shown by label
