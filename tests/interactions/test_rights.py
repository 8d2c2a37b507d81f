"""Every POST on contacts, complaints, surveys, transactions, orders and
contracts checks the actor's role and scope, in the view and again in the
service (issue 14, scope 7): 404 out of scope, a message and no change in scope
but not allowed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer
from interactions import services
from interactions.models import Complaint, Feedback, Interaction
from tests.factories import CustomerFactory, UserFactory, individual_fields
from transactions import services as transaction_services
from transactions.models import Contract, Order, Transaction

NOW = timezone.now


@pytest.fixture
def approved(clerk, reviewer):
    pending = customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    return customer_services.customer_approve(actor=reviewer, customer=pending)


@pytest.fixture
def complaint(clerk, approved) -> Complaint:
    return services.complaint_receive(
        actor=clerk,
        customer=approved,
        fields={
            "received_at": NOW() - timedelta(hours=1),
            "channel": "phone",
            "category": "service",
            "severity": "normal",
            "content": "营业厅服务态度差",
        },
    )


@pytest.fixture
def contact(clerk, approved) -> Interaction:
    return services.interaction_log(
        actor=clerk,
        customer=approved,
        fields={
            "occurred_at": NOW() - timedelta(days=2),
            "channel": "phone",
            "direction": "outbound",
            "kind": "consultation",
            "summary": "回访理财需求",
            "follow_up_at": NOW() - timedelta(days=1),
        },
    )


def _snapshot(obj) -> dict:
    return {f.attname: getattr(type(obj).objects.get(pk=obj.pk), f.attname) for f in obj._meta.concrete_fields}


# Complaint reassignment: managers of the department only ---------------------------


@pytest.mark.django_db
def test_a_clerk_of_the_department_cannot_reassign_a_complaint(client, clerk, other_clerk, complaint):
    before = _snapshot(complaint)
    client.force_login(clerk)
    response = client.post(reverse("interactions:complaint_assign", args=[complaint.pk]), {"handler": other_clerk.pk})
    assert response.status_code == 302
    assert _snapshot(complaint) == before
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=clerk, complaint=complaint, handler=other_clerk)
    assert _snapshot(complaint) == before


@pytest.mark.django_db
def test_another_departments_manager_gets_404_on_every_complaint_and_contact_post(
    client, other_department_manager, complaint, contact, clerk
):
    before = (_snapshot(complaint), _snapshot(contact))
    client.force_login(other_department_manager)
    for url, data in [
        (reverse("interactions:complaint_assign", args=[complaint.pk]), {"handler": clerk.pk}),
        (reverse("interactions:complaint_move", args=[complaint.pk]), {"to": "investigating"}),
        (reverse("interactions:follow_up_done", args=[contact.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert (_snapshot(complaint), _snapshot(contact)) == before
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=other_department_manager, complaint=complaint, handler=clerk)
    with pytest.raises(PermissionDenied):
        services.complaint_move(actor=other_department_manager, complaint=complaint, to="investigating")
    with pytest.raises(PermissionDenied):
        services.interaction_follow_up_done(actor=other_department_manager, interaction=contact)
    assert (_snapshot(complaint), _snapshot(contact)) == before


@pytest.mark.django_db
def test_the_departments_manager_hands_a_complaint_to_a_clerk_who_then_works_on_it(
    client, manager, other_clerk, complaint
):
    client.force_login(manager)
    client.post(reverse("interactions:complaint_assign", args=[complaint.pk]), {"handler": other_clerk.pk})
    complaint.refresh_from_db()
    assert complaint.handler == other_clerk
    # The new handler does not own the customer, yet sees and works on the complaint.
    client.force_login(other_clerk)
    assert client.get(reverse("interactions:complaint", args=[complaint.pk])).status_code == 200
    client.post(reverse("interactions:complaint_move", args=[complaint.pk]), {"to": "investigating"})
    complaint.refresh_from_db()
    assert complaint.status == "investigating"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["security_officer", "reviewer"])
def test_a_complaint_is_never_handed_to_a_security_officer_or_a_reviewer(client, request, manager, complaint, persona):
    target = request.getfixturevalue(persona)
    before = _snapshot(complaint)
    client.force_login(manager)
    client.post(reverse("interactions:complaint_assign", args=[complaint.pk]), {"handler": target.pk})
    assert _snapshot(complaint) == before
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=manager, complaint=complaint, handler=target)
    assert _snapshot(complaint) == before


# Moves and "done" ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reviewer", "security_officer"])
def test_who_sees_the_department_but_does_not_work_on_it_cannot_move_or_close(
    client, request, complaint, contact, persona
):
    actor = request.getfixturevalue(persona)
    before = (_snapshot(complaint), _snapshot(contact))
    client.force_login(actor)
    assert (
        client.post(reverse("interactions:complaint_move", args=[complaint.pk]), {"to": "investigating"}).status_code
        == 302
    )
    assert client.post(reverse("interactions:follow_up_done", args=[contact.pk])).status_code == 302
    assert (_snapshot(complaint), _snapshot(contact)) == before
    with pytest.raises(PermissionDenied):
        services.complaint_move(actor=actor, complaint=complaint, to="investigating")
    with pytest.raises(PermissionDenied):
        services.interaction_follow_up_done(actor=actor, interaction=contact)


@pytest.mark.django_db
def test_a_clerk_who_is_not_the_handler_cannot_move_a_complaint_of_a_customer_they_own(
    manager, clerk, other_clerk, complaint
):
    services.complaint_assign(actor=manager, complaint=complaint, handler=other_clerk)
    before = _snapshot(complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_move(actor=clerk, complaint=complaint, to="investigating")
    assert _snapshot(complaint) == before


@pytest.mark.django_db
def test_the_handler_or_the_departments_manager_marks_a_follow_up_done(client, manager, contact):
    client.force_login(manager)
    client.post(reverse("interactions:follow_up_done", args=[contact.pk]))
    contact.refresh_from_db()
    assert contact.followed_up_at is not None


@pytest.mark.django_db
def test_a_non_numeric_or_huge_id_is_a_404(client, manager):
    client.force_login(manager)
    assert client.post(reverse("interactions:complaint_create") + "?customer=abc").status_code == 404
    assert client.post(reverse("interactions:complaint_create") + "?customer=" + "9" * 30).status_code == 404
    assert client.get(reverse("transactions:create") + "?customer=" + "9" * 30).status_code == 404


# The security officer is never a maker, an owner or a handler -----------------------------


@pytest.mark.django_db
def test_a_security_officer_creates_no_record_of_any_kind(client, security_officer, approved):
    with pytest.raises(PermissionDenied):
        customer_services.customer_create(actor=security_officer, fields=individual_fields(50))
    # Even one who also holds the clerk's role.
    security_officer.groups.add(Group.objects.get(name="clerk"))
    security_officer = type(security_officer).objects.get(pk=security_officer.pk)
    with pytest.raises(PermissionDenied):
        customer_services.customer_create(actor=security_officer, fields=individual_fields(51))
    client.force_login(security_officer)
    at = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    posts = [
        (
            "interactions:interaction_create",
            {"occurred_at": at, "channel": "phone", "direction": "inbound", "kind": "other", "summary": "来电"},
        ),
        (
            "interactions:complaint_create",
            {"received_at": at, "channel": "phone", "category": "service", "severity": "normal", "content": "投诉"},
        ),
        ("interactions:feedback_create", {"surveyed_at": at, "service_quality": 5, "price": 5, "overall": 5}),
        (
            "transactions:create",
            {"kind": "purchase", "occurred_at": at, "amount": "10.00", "currency": "CNY", "payment_method": "cash"},
        ),
        ("transactions:order_create", {"order_no": "SO-1"}),
        (
            "transactions:contract_create",
            {
                "contract_no": "HT-1",
                "title": "框架协议",
                "signed_on": "2026-01-05",
                "amount": "1000.00",
                "currency": "CNY",
            },
        ),
    ]
    for name, data in posts:
        response = client.post(reverse(name) + f"?customer={approved.pk}", data)
        assert response.status_code in (200, 302), name
    assert Customer.objects.count() == 1
    for model in (Interaction, Complaint, Feedback, Transaction, Order, Contract):
        assert not model.objects.exists(), model


@pytest.mark.django_db
def test_a_security_officer_cannot_be_made_owner_or_handler(client, manager, clerk, security_officer, approved):
    client.force_login(manager)
    client.post(reverse("customers:reassign_owner", args=[approved.pk]), {"owner": security_officer.pk})
    assert Customer.objects.get(pk=approved.pk).owner == clerk
    with pytest.raises(ValidationError):
        customer_services.customer_reassign_owner(actor=manager, customer=approved, new_owner=security_officer)
    with pytest.raises(ValidationError):
        services.complaint_receive(
            actor=clerk,
            customer=approved,
            fields={
                "received_at": NOW(),
                "channel": "phone",
                "category": "service",
                "severity": "normal",
                "content": "投诉",
                "handler": security_officer,
            },
        )
    assert not Complaint.objects.exists()
    assert Customer.objects.get(pk=approved.pk).owner == clerk


# Transactions and orders -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clerk_records_nothing_for_a_customer_they_cannot_see(clerk, department, approved):
    stranger = UserFactory(username="stranger", department=department)
    stranger.groups.add(Group.objects.get(name="clerk"))
    with pytest.raises(PermissionDenied):
        transaction_services.transaction_create(
            actor=stranger,
            customer=approved,
            fields={"kind": "purchase", "occurred_at": NOW() - timedelta(hours=1), "amount": Decimal("5.00")},
        )
    with pytest.raises(PermissionDenied):
        transaction_services.order_create(actor=stranger, customer=approved, order_no="SO-9")
    with pytest.raises(PermissionDenied):
        services.interaction_log(
            actor=stranger,
            customer=approved,
            fields={"occurred_at": NOW(), "channel": "phone", "direction": "inbound", "kind": "other", "summary": "x"},
        )
    assert not Transaction.objects.exists() and not Order.objects.exists() and not Interaction.objects.exists()


@pytest.mark.django_db
def test_order_moves_are_refused_out_of_scope_and_to_roles_that_do_not_work_on_orders(
    client, clerk, reviewer, other_department_manager, approved
):
    order = transaction_services.order_create(actor=clerk, customer=approved, order_no="SO-1")
    client.force_login(other_department_manager)
    assert client.post(reverse("transactions:order_move", args=[order.pk]), {"to": "confirmed"}).status_code == 404
    with pytest.raises(PermissionDenied):
        transaction_services.order_move(actor=other_department_manager, order=order, to="confirmed")
    with pytest.raises(PermissionDenied):
        transaction_services.order_move(actor=reviewer, order=order, to="confirmed")
    assert Order.objects.get(pk=order.pk).status == "pending"


@pytest.mark.django_db
def test_only_the_maker_edits_or_submits_a_transaction_and_not_after_moving_away(
    client, clerk, other_clerk, manager, approved, other_department
):
    txn = transaction_services.transaction_create(
        actor=clerk,
        customer=approved,
        fields={"kind": "purchase", "occurred_at": NOW() - timedelta(hours=1), "amount": Decimal("5.00")},
    )
    before = _snapshot(txn)
    client.force_login(manager)
    assert client.post(reverse("transactions:submit", args=[txn.pk])).status_code == 302
    with pytest.raises(PermissionDenied):
        transaction_services.transaction_submit(actor=manager, txn=txn)
    with pytest.raises(PermissionDenied):
        transaction_services.transaction_update(actor=manager, txn=txn, fields={"amount": Decimal("6.00")})
    assert _snapshot(txn) == before
    from accounts import services as account_services

    account_services.user_move_department(actor=manager, user=clerk, department=other_department)
    with pytest.raises(PermissionDenied):
        transaction_services.transaction_submit(actor=clerk, txn=txn)
    assert _snapshot(txn) == before
