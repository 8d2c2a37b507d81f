"""The one trail helper (audit.tracked.tracked_save) and the reasons it stores
(audit.reasons): codes and data, put into words in the reader's language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.reasons import Reason, decode, encode, reason_text
from audit.tracked import tracked_save
from customers import services
from customers.models import Customer
from interactions.models import Complaint
from tests.factories import CustomerFactory
from transactions.models import Order


@pytest.mark.django_db
def test_tracked_save_validates_before_it_saves_and_writes_no_version_when_invalid(clerk):
    customer = CustomerFactory(actor=clerk)
    versions = customer.history.count()
    customer.name = ""
    with pytest.raises(ValidationError) as caught:
        tracked_save(customer, actor=clerk, reason=Reason.CORRECTED)
    assert "name" in caught.value.message_dict
    assert customer.history.count() == versions


@pytest.mark.django_db
def test_tracked_save_names_the_actor_and_stores_the_reason_as_a_code_with_its_note(clerk):
    customer = CustomerFactory(actor=clerk)
    customer.occupation = "Teacher"
    tracked_save(customer, actor=clerk, reason=Reason.CORRECTED, note="  typo on the form\x00 ")
    version = customer.history.first()
    assert version.history_user == clerk
    assert decode(version.history_change_reason) == {"code": "corrected", "note": "typo on the form"}


@pytest.mark.django_db
def test_a_return_is_stored_as_a_code_and_the_reviewers_words_as_typed(clerk, reviewer):
    customer = services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    with translation.override("zh-hans"):
        services.customer_return(actor=reviewer, customer=customer, reason="Address lacks the house number")
    stored = customer.history.first().history_change_reason
    assert decode(stored) == {"code": "returned", "note": "Address lacks the house number"}
    with translation.override("en"):
        assert reason_text(stored) == "Returned: Address lacks the house number"
    with translation.override("zh-hans"):
        assert reason_text(stored) == "已退回：Address lacks the house number"


@pytest.mark.django_db
def test_no_reason_ever_stores_an_id_or_bank_number(clerk, reviewer, manager):
    customer = CustomerFactory(actor=clerk)
    customer = services.customer_submit(actor=clerk, customer=customer)
    customer = services.customer_approve(actor=reviewer, customer=customer)
    services.customer_tag_add(actor=manager, customer=customer, name="VIP")
    secrets = (customer.id_number, customer.bank_account)
    for version in Customer.history.all():
        assert not any(secret in (version.history_change_reason or "") for secret in secrets)


@pytest.mark.parametrize(
    ("stored", "model", "english", "chinese"),
    [
        ("提交审核", None, "Submitted for review", "提交审核"),
        ("Approved", None, "Approved", "已审核"),
        ("退回：地址不全", None, "Returned: 地址不全", "已退回：地址不全"),
        ("待确认 → 已确认", Order, "Pending → Confirmed", "待确认 → 已确认"),
        (
            "Investigating → Resolved: refunded",
            Complaint,
            "Investigating → Resolved: refunded",
            "处理中 → 已解决：refunded",
        ),
        ("指派给 Wang", None, "Assigned to Wang", "指派给 Wang"),
        ("角色变更，权限终止", None, "Rights ended: role changed", "角色变更，权限终止"),
    ],
)
def test_a_sentence_stored_before_reasons_were_codes_is_read_in_the_readers_language(stored, model, english, chinese):
    with translation.override("en"):
        assert reason_text(stored, model=model) == english
    with translation.override("zh-hans"):
        assert reason_text(stored, model=model) == chinese


def test_a_sentence_nobody_recognises_is_shown_as_it_was_written():
    assert reason_text("demo data, 演示数据") == "demo data, 演示数据"
    assert reason_text("Some → thing", model=Order) == "Some → thing"
    assert reason_text("") == "" and reason_text(None) == ""


def test_a_status_move_names_the_records_own_statuses():
    stored = encode(Reason.MOVED, old="open", new="investigating")
    with translation.override("en"):
        assert reason_text(stored, model=Complaint.history.model) == "Open → Investigating"
    with translation.override("zh-hans"):
        assert reason_text(stored, model=Complaint) == "待处理 → 处理中"
