"""Change requests to approved records (issue 3): shown as a difference, applied on
approval, reviewed like an entry — twice for a key customer — and never stale."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audit.reasons import decode
from customers import services
from customers.models import ChangeRequest, ChangeStatus, Customer, Status
from review.models import ReviewDecision
from tests.factories import CustomerFactory, individual_fields, make_resident_id


def _pending(clerk, **fields) -> Customer:
    return services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, **fields))


def _approved(clerk, reviewer, **fields) -> Customer:
    return services.customer_approve(actor=reviewer, customer=_pending(clerk, **fields))


def _decisions(obj) -> list[str]:
    return list(ReviewDecision.objects.filter(object_id=obj.pk).order_by("at", "id").values_list("decision", flat=True))


# Walk-throughs ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_change_request_shows_the_difference_and_applies_it_on_approval(client, clerk, reviewer):
    customer = _approved(clerk, reviewer, occupation="教师")
    new_id = make_resident_id(customer.birth_date, sequence=int(customer.id_number[14:17]) + 2)  # same sex
    change = services.change_request_create(
        actor=clerk,
        customer=customer,
        fields={"occupation": "律师", "mobile": "+8613700001234", "id_number": new_id},
        reason="客户换发新身份证并更换工作",
    )
    assert sorted(change.changed_fields) == ["id_number", "mobile", "occupation"]
    customer.refresh_from_db()
    assert customer.occupation == "教师"  # nothing changes before approval
    # The proposal is sealed: neither the new ID nor the new mobile is in the row in plain text.
    with connection.cursor() as cursor:
        cursor.execute("SELECT proposal FROM customers_changerequest WHERE id = %s", [change.pk])
        (raw,) = cursor.fetchone()
    assert new_id not in raw and "13700001234" not in raw

    client.force_login(reviewer)
    page = client.get(reverse("customers:change", args=[change.pk])).content.decode()
    assert "教师" in page and "律师" in page and "+86 137 0000 1234" in page  # S2 in full to the checker
    assert new_id not in page and f"{new_id[:3]}{'*' * 11}{new_id[-4:]}" in page
    assert change.number in client.get(reverse("review:queue")).content.decode()

    client.post(reverse("review:change_approve", args=[change.pk]))
    change.refresh_from_db()
    customer.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.reviewed_by == reviewer
    assert customer.occupation == "律师" and str(customer.mobile) == "+8613700001234"
    assert customer.id_number == new_id
    assert customer.version == change.base_version + 1
    assert customer.status == Status.APPROVED
    trail = customer.history.first()
    assert trail.history_user == reviewer
    stored = decode(trail.history_change_reason)
    assert stored["code"] == "change_applied" and stored["maker"] == clerk.display_name
    assert stored["checkers"] == [reviewer.display_name]
    assert trail.prev_record.occupation == "教师" and trail.occupation == "律师"


@pytest.mark.django_db
def test_a_returned_change_leaves_the_record_as_it_was(clerk, reviewer):
    customer = _approved(clerk, reviewer)
    change = services.change_request_create(actor=clerk, customer=customer, fields={"name": "错名"}, reason="更名")
    services.change_request_return(actor=reviewer, change=change, field_reasons={"name": "无更名证明"})
    change.refresh_from_db()
    customer.refresh_from_db()
    assert change.status == ChangeStatus.RETURNED and customer.name != "错名"


@pytest.mark.django_db
def test_the_maker_of_a_change_cannot_approve_it_even_as_a_reviewer(client, clerk, reviewer, reviewing_clerk):
    own = _approved(reviewing_clerk, reviewer)
    change = services.change_request_create(actor=reviewing_clerk, customer=own, fields={"occupation": "x"}, reason="r")
    with pytest.raises(PermissionDenied):
        services.change_request_approve(actor=reviewing_clerk, change=change)
    client.force_login(reviewing_clerk)
    client.post(reverse("review:change_approve", args=[change.pk]))
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING and change.reviewed_by is None


@pytest.mark.django_db
def test_a_change_of_a_key_customer_needs_a_second_approval(clerk, reviewer, manager):
    customer = services.customer_approve(
        actor=manager, customer=services.customer_approve(actor=reviewer, customer=_pending(clerk, tier="key"))
    )
    change = services.change_request_create(
        actor=clerk, customer=customer, fields={"occupation": "医生"}, reason="转岗"
    )
    change = services.change_request_approve(actor=reviewer, change=change)
    assert change.status == ChangeStatus.PENDING
    customer.refresh_from_db()
    assert customer.occupation != "医生"
    change = services.change_request_approve(actor=manager, change=change)
    customer.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and customer.occupation == "医生"


@pytest.mark.django_db
def test_only_approved_records_change_by_request_and_never_archived_ones(clerk, reviewer):
    draft = CustomerFactory(actor=clerk)
    with pytest.raises(ValidationError):
        services.change_request_create(actor=clerk, customer=draft, fields={"name": "新"}, reason="r")
    archived = _approved(clerk, reviewer)
    Customer.objects.filter(pk=archived.pk).update(status=Status.ARCHIVED)
    with pytest.raises(ValidationError, match="不能再变更|can no longer be changed"):
        services.change_request_create(actor=clerk, customer=archived, fields={"name": "新"}, reason="r")


@pytest.mark.django_db
def test_a_change_made_stale_by_another_cannot_be_applied(clerk, reviewer):
    customer = _approved(clerk, reviewer)
    change = services.change_request_create(actor=clerk, customer=customer, fields={"occupation": "厨师"}, reason="r")
    Customer.objects.filter(pk=customer.pk).update(version=customer.version + 1)
    with pytest.raises(ValidationError):
        services.change_request_approve(actor=reviewer, change=change)
    change.refresh_from_db()
    assert (
        change.status == ChangeStatus.PENDING
        and not ReviewDecision.objects.filter(object_id=change.pk).exclude(content_type__model="customer").exists()
    )


@pytest.mark.django_db
def test_one_pending_change_per_customer_and_an_empty_change_is_refused(clerk, reviewer):
    customer = _approved(clerk, reviewer)
    with pytest.raises(ValidationError, match="没有任何改动|Nothing was changed"):
        services.change_request_create(actor=clerk, customer=customer, fields={"name": customer.name}, reason="r")
    services.change_request_create(actor=clerk, customer=customer, fields={"occupation": "厨师"}, reason="r")
    with pytest.raises(ValidationError):
        services.change_request_create(actor=clerk, customer=customer, fields={"occupation": "司机"}, reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(
            customer=customer,
            base_version=1,
            proposal="{}",
            reason="r",
            entered_by=clerk,
            entered_at=customer.created_at,
        )


@pytest.mark.django_db
def test_the_edit_page_of_an_approved_record_makes_a_change_request(client, clerk, reviewer):
    customer = _approved(clerk, reviewer)
    client.force_login(clerk)
    form = client.get(reverse("customers:update", args=[customer.pk]))
    assert form.context["reason_form"] is not None
    data = {k: v for k, v in individual_fields(0).items() if k not in ("id_number", "bank_account")}
    data.update(
        name=customer.name,
        mobile=str(customer.mobile),
        consent_at=customer.consent_at.strftime("%Y-%m-%dT%H:%M"),
        retention_until=customer.retention_until.isoformat(),
        occupation="会计",
        tier=customer.tier,
        lifecycle_stage=customer.lifecycle_stage,
        credit_status=customer.credit_status,
    )
    missing_reason = client.post(reverse("customers:update", args=[customer.pk]), data)
    assert missing_reason.status_code == 200 and "reason" in missing_reason.context["reason_form"].errors
    response = client.post(reverse("customers:update", args=[customer.pk]), {**data, "reason": "客户转行"})
    assert response.status_code == 302, response.context["form"].errors
    change = ChangeRequest.objects.get()
    assert response.url == reverse("customers:change", args=[change.pk])
    assert "occupation" in change.changed_fields
    customer.refresh_from_db()
    assert customer.occupation != "会计"


# Duplicates ------------------------------------------------------------------
