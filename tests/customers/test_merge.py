"""Merging two records of one customer, reviewed (issue 19 item 3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import AccessGrant, Customer, DuplicatePair, MergeRequest, Status
from interactions import services as interaction_services
from interactions.models import Complaint, Feedback, Interaction
from tests.factories import CustomerFactory, UserFactory, make_bank_account
from tests.records import complaint_fields, contact_fields, contract_fields, survey_fields, transaction_fields
from transactions import services as transaction_services
from transactions.models import Contract, Order, Transaction
from vault.models import DataKey


def _approved(maker, reviewer, **fields) -> Customer:
    customer = CustomerFactory(actor=maker, **fields)
    customer = services.customer_submit(actor=maker, customer=customer)
    return services.customer_approve(actor=reviewer, customer=customer)


def _business(clerk, reviewer, customer) -> None:
    """One of every row that belongs to a customer."""
    yesterday = timezone.now() - timedelta(days=1)
    txn = transaction_services.transaction_create(
        actor=clerk,
        customer=customer,
        fields=transaction_fields(occurred_at=yesterday),
    )
    transaction_services.transaction_approve(
        actor=reviewer, txn=transaction_services.transaction_submit(actor=clerk, txn=txn)
    )
    transaction_services.order_create(actor=clerk, customer=customer, order_no=f"DD-M-{customer.pk}")
    transaction_services.contract_create(
        actor=clerk,
        customer=customer,
        fields=contract_fields(f"HT-M-{customer.pk}", signed_days_ago=3),
    )
    interaction_services.interaction_log(
        actor=clerk,
        customer=customer,
        fields=contact_fields(occurred_at=yesterday, content="询问产品"),
    )
    interaction_services.complaint_receive(
        actor=clerk,
        customer=customer,
        fields=complaint_fields(received_at=yesterday, content="服务态度差"),
    )
    interaction_services.feedback_record(
        actor=clerk,
        customer=customer,
        fields=survey_fields(surveyed_at=yesterday),
    )
    services.grant_request(actor=clerk, customer=customer, purpose="核对开户资料", hours=24)


def _propose(manager, survivor, merged) -> MergeRequest:
    return services.merge_propose(actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人")


@pytest.fixture
def pair(clerk, other_clerk, reviewer):
    survivor = _approved(clerk, reviewer, n=1, name="刘洋", mobile="+8613600000001")
    merged = _approved(other_clerk, reviewer, n=2, name="劉洋", mobile="+8613600000002")
    return survivor, merged


@pytest.mark.django_db
def test_an_approved_merge_moves_every_related_row_and_both_trails_name_both_persons(
    clerk, other_clerk, reviewer, manager, pair
):
    survivor, merged = pair
    _business(other_clerk, reviewer, merged)
    services.customer_tag_add(actor=manager, customer=merged, name="VIP")
    bank_account = make_bank_account(77)
    merged_key = merged.data_key_id
    # The merged record's bank account is the one that survives.
    merged_bank = Customer.objects.get(pk=merged.pk).bank_account
    assert merged_bank and merged_bank != bank_account
    merge = services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=["bank_account", "mobile"], reason="同一人"
    )
    services.merge_approve(actor=reviewer, merge=merge)

    survivor.refresh_from_db()
    merged = Customer.objects.get(pk=merged.pk)
    assert (merged.status, merged.merged_into_id) == (Status.MERGED, survivor.pk)
    assert survivor.bank_account == merged_bank  # re-encrypted under the survivor's key
    assert str(survivor.mobile) == "+8613600000002"
    for model in (Transaction, Order, Contract, Interaction, Complaint, Feedback, AccessGrant):
        assert model.objects.filter(customer=survivor).count() == 1, model.__name__
        assert not model.objects.filter(customer_id=merged.pk).exists(), model.__name__
    assert list(survivor.tags.values_list("name", flat=True)) == ["VIP"]
    # Shredded: the merged record's key is gone and no blind index of it remains.
    assert not DataKey.objects.filter(pk=merged_key).exists()
    assert merged.id_number_index == "" and merged.bank_account_index == ""
    assert not Customer.history.model.objects.filter(id=merged.pk).exclude(id_number_index="").exists()
    for record in (survivor, merged):
        latest = record.history.order_by("-history_id").first()
        assert manager.display_name in latest.history_change_reason
        assert reviewer.display_name in latest.history_change_reason
        assert latest.history_user == reviewer
    assert MergeRequest.objects.get(pk=merge.pk).status == "approved"


@pytest.mark.django_db
def test_the_proposer_cannot_approve_their_own_merge_not_even_in_the_database(manager, reviewer, pair):
    survivor, merged = pair
    merge = services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    with pytest.raises(PermissionDenied):
        services.merge_approve(actor=manager, merge=merge)
    assert Customer.objects.get(pk=merged.pk).status == Status.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        MergeRequest.objects.filter(pk=merge.pk).update(reviewed_by=manager)


@pytest.mark.django_db
def test_a_merge_of_a_key_customer_needs_a_managers_second_approval(department, manager, reviewer, pair):
    survivor, merged = pair
    Customer.objects.filter(pk=survivor.pk).update(tier="key")
    survivor.refresh_from_db()
    merge = services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    merge = services.merge_approve(actor=reviewer, merge=merge)
    assert merge.status == "pending" and Customer.objects.get(pk=merged.pk).status == Status.APPROVED
    with pytest.raises(PermissionDenied):
        services.merge_approve(actor=manager, merge=merge)  # the proposer, again
    second = UserFactory(username="manager2", department=department, is_staff=True)
    second.groups.add(Group.objects.get(name="manager"))
    services.merge_approve(actor=second, merge=MergeRequest.objects.get(pk=merge.pk))
    assert Customer.objects.get(pk=merged.pk).status == Status.MERGED


@pytest.mark.django_db
def test_a_merge_proposed_against_an_older_version_is_not_applied(clerk, manager, reviewer, pair):
    survivor, merged = pair
    merge = services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    Customer.objects.filter(pk=survivor.pk).update(version=survivor.version + 1)
    with pytest.raises(ValidationError, match="propose it again|重新提议"):
        services.merge_approve(actor=reviewer, merge=merge)
    assert Customer.objects.get(pk=merged.pk).status == Status.APPROVED


@pytest.mark.django_db
def test_only_a_manager_of_the_department_proposes_a_merge(clerk, reviewer, other_department_manager, pair):
    survivor, merged = pair
    for user in (clerk, reviewer, other_department_manager):
        with pytest.raises(PermissionDenied):
            services.merge_propose(actor=user, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人")
    assert not MergeRequest.objects.exists()


@pytest.mark.django_db
def test_the_merged_records_page_sends_to_the_survivor_or_says_only_that_it_was_merged(
    client, other_clerk, manager, reviewer, pair
):
    survivor, merged = pair
    merge = services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    services.merge_approve(actor=reviewer, merge=merge)
    client.force_login(manager)
    response = client.get(reverse("customers:detail", args=[merged.pk]))
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[survivor.pk])
    client.force_login(other_clerk)  # made the merged record, not the survivor
    page = client.get(reverse("customers:detail", args=[merged.pk]))
    assert page.status_code == 200
    assert survivor.archive_no not in page.content.decode()


@pytest.mark.django_db
def test_a_manager_proposes_a_merge_field_by_field_on_the_page_with_s3_masked(client, manager, reviewer, pair):
    survivor, merged = pair
    pair_row = DuplicatePair.objects.create(first=survivor, second=merged, rules=["pinyin_contact"], score=0.6)
    client.force_login(manager)
    page = client.get(reverse("customers:merge_propose", args=[pair_row.pk])).content.decode()
    plain_id = Customer.objects.get(pk=merged.pk).id_number
    assert plain_id not in page and plain_id[-4:] in page  # masked, chosen by field
    choices = {name: str(survivor.pk) for name in re.findall(r'name="(take_\w+)"', page)}
    assert "take_id_number" in choices
    for name in ("take_id_number", "take_birth_date", "take_gender"):  # the ID number encodes the other two
        if name in choices:
            choices[name] = str(merged.pk)
    response = client.post(
        reverse("customers:merge_propose", args=[pair_row.pk]),
        {"survivor": str(survivor.pk), "reason": "同一人，证件一致", **choices},
    )
    merge = MergeRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("customers:merge", args=[merge.pk])
    assert (merge.survivor_id, merge.merged_id) == (survivor.pk, merged.pk)
    assert "id_number" in merge.take_from_merged and "name" not in merge.take_from_merged
    client.force_login(reviewer)
    page = client.get(reverse("customers:merge", args=[merge.pk])).content.decode()
    assert 'data-testid="merge-decide"' in page
    client.post(reverse("customers:merge_decide", args=[merge.pk, "approve"]), {"version": merge.version})
    assert Customer.objects.get(pk=merged.pk).status == Status.MERGED
    assert Customer.objects.get(pk=survivor.pk).id_number == plain_id
