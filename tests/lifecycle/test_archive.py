"""Archive and restore through a request reviewed like a change (issue 17 item 3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer, Status
from lifecycle.models import ArchiveAction, ArchiveRequest, ArchiveStatus
from lifecycle.services import archive
from transactions import services as transaction_services


def _archived(customer, clerk, reviewer) -> Customer:
    request = archive.archive_request_create(actor=clerk, customer=customer, reason="客户已销户，不再服务")
    archive.archive_request_approve(actor=reviewer, request=request)
    return Customer.objects.get(pk=customer.pk)


@pytest.mark.django_db
def test_an_archive_request_needs_a_reason(approved_customer, clerk):
    with pytest.raises(ValidationError) as refused:
        archive.archive_request_create(actor=clerk, customer=approved_customer, reason="  ")
    assert "reason" in refused.value.error_dict
    assert not ArchiveRequest.objects.exists()


@pytest.mark.django_db
def test_an_approved_archive_makes_the_record_read_only(approved_customer, clerk, reviewer):
    customer = _archived(approved_customer, clerk, reviewer)

    assert customer.status == Status.ARCHIVED
    request = ArchiveRequest.objects.get(customer=customer)
    assert request.number in customer.history.first().history_change_reason  # the trail says why
    with pytest.raises(ValidationError):
        customer_services.change_request_create(actor=clerk, customer=customer, fields={"occupation": "x"}, reason="x")
    with pytest.raises(ValidationError):
        transaction_services.transaction_create(
            actor=clerk,
            customer=customer,
            fields={"kind": "purchase", "occurred_at": timezone.now() - timedelta(hours=1), "amount": Decimal("1")},
        )


@pytest.mark.django_db
def test_archived_records_leave_the_default_list_and_a_filter_shows_them(
    approved_customer, clerk, reviewer, manager, client
):
    customer = _archived(approved_customer, clerk, reviewer)
    client.force_login(manager)

    assert customer.archive_no not in client.get(reverse("customers:list")).content.decode()
    assert customer.archive_no in client.get(reverse("customers:list") + "?closed=1").content.decode()


@pytest.mark.django_db
def test_the_maker_of_an_archive_request_cannot_approve_it(approved_customer, clerk, reviewer):
    request = archive.archive_request_create(actor=clerk, customer=approved_customer, reason="不再服务")
    with pytest.raises(PermissionDenied):
        archive.archive_request_approve(actor=clerk, request=request)
    with pytest.raises(IntegrityError):
        ArchiveRequest.objects.filter(pk=request.pk).update(reviewed_by=clerk)


@pytest.mark.django_db
def test_a_restore_is_reviewed_the_same_way_and_brings_the_record_back(approved_customer, clerk, reviewer):
    customer = _archived(approved_customer, clerk, reviewer)
    restore = archive.archive_request_create(actor=clerk, customer=customer, reason="客户重新开户")
    assert restore.action == ArchiveAction.RESTORE

    archive.archive_request_approve(actor=reviewer, request=restore)
    assert Customer.objects.get(pk=customer.pk).status == Status.APPROVED


@pytest.mark.django_db
def test_a_returned_request_leaves_the_customer_as_it_was(approved_customer, clerk, reviewer):
    request = archive.archive_request_create(actor=clerk, customer=approved_customer, reason="不再服务")
    archive.archive_request_return(actor=reviewer, request=request, note="客户仍有未结合同")

    assert ArchiveRequest.objects.get(pk=request.pk).status == ArchiveStatus.RETURNED
    assert Customer.objects.get(pk=approved_customer.pk).status == Status.APPROVED


@pytest.mark.django_db
def test_another_clerk_cannot_ask_to_archive_a_record_they_do_not_hold(approved_customer, other_clerk):
    with pytest.raises(PermissionDenied):
        archive.archive_request_create(actor=other_clerk, customer=approved_customer, reason="不再服务")
