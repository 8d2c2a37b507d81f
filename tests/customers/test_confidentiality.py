"""Row and field tiers, grants and reveals (SPEC §2): who sees and does what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from customers import services
from customers.models import AccessGrant, Customer, CustomerUserObjectPermission, GrantStatus
from tests.factories import CustomerFactory, DepartmentFactory, UserFactory

PERSONAS = [
    "clerk",
    "other_clerk",
    "reviewer",
    "manager",
    "other_department_manager",
    "security_officer",
    "superuser",
    "anonymous",
]


@pytest.fixture
def superuser(department):
    return UserFactory(username="root", department=department, is_staff=True, is_superuser=True)


@pytest.fixture
def other_department_clerk(other_department):
    user = UserFactory(username="far_clerk", department=other_department)
    user.groups.add(Group.objects.get(name="clerk"))
    return user


@pytest.fixture
def records(clerk, reviewer, manager, other_department_clerk):
    """In the department: a draft, a pending and an approved record made by
    `clerk`; in the other department: an approved record."""
    draft = CustomerFactory(actor=clerk, n=1, mobile="+8613911110001", email="draft@example.com")
    pending = services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=2, mobile="+8613911110002"))
    approved = services.customer_submit(
        actor=clerk, customer=CustomerFactory(actor=clerk, n=3, mobile="+8613911110003", email="ok@example.com")
    )
    approved = services.customer_approve(actor=reviewer, customer=approved)
    foreign = services.customer_submit(
        actor=other_department_clerk, customer=CustomerFactory(actor=other_department_clerk, n=4, name="远方客户")
    )
    return {"draft": draft, "pending": pending, "approved": approved, "foreign": foreign}


# Which records each persona may open at all (SPEC §2 rows).
VISIBLE = {
    "clerk": {"draft", "pending", "approved"},
    "other_clerk": set(),
    "reviewer": {"pending", "approved"},
    "manager": {"draft", "pending", "approved"},
    "other_department_manager": {"foreign"},
    "security_officer": {"draft", "pending", "approved"},
    "superuser": set(),  # no role: the business rules apply to superusers too
    "anonymous": set(),
}
STAFF = {"manager", "other_department_manager", "security_officer", "superuser"}


def _login(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix_for_every_customer_url(client, request, records, persona):
    _login(client, request, persona)
    for key, customer in records.items():
        visible = key in VISIBLE[persona]
        hidden = 302 if persona == "anonymous" else 404

        detail = client.get(reverse("customers:detail", args=[customer.pk]))
        assert detail.status_code == (200 if visible else hidden), (persona, key, "detail")
        if not visible:
            assert customer.name not in detail.content.decode()

        edit = client.get(reverse("customers:update", args=[customer.pk]))
        # The maker edits a draft; an approved record's edit is a change request.
        editable = visible and persona == "clerk" and key in ("draft", "approved")
        assert edit.status_code == (200 if editable else 302 if visible else hidden), (persona, key, "edit")

        confirm = client.get(reverse("customers:confirm", args=[customer.pk]))
        confirmable = visible and persona == "clerk" and key == "draft"
        assert confirm.status_code == (200 if confirmable else 302 if visible else hidden), (persona, key, "confirm")

        reveal = client.post(
            reverse("customers:reveal", args=[customer.pk, "id_number"]),
            {"purpose": "核对"},
            HTTP_ACCEPT="application/json",
        )
        may_reveal = visible and (
            persona in ("manager", "other_department_manager") or (persona == "reviewer" and key == "pending")
        )
        expected = 200 if may_reveal else 403 if visible else hidden
        assert reveal.status_code == expected, (persona, key, "reveal")
        if not may_reveal:
            assert Customer.objects.get(pk=customer.pk).id_number not in reveal.content.decode()

        ask = client.get(reverse("customers:grant_request", args=[customer.pk]))
        assert ask.status_code == (200 if visible else hidden), (persona, key, "grant request page")

        admin_change = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
        admin_history = client.get(reverse("admin:customers_customer_history", args=[customer.pk]))
        if persona in STAFF:
            assert admin_change.status_code == (200 if visible else 404), (persona, key, "admin change")
            assert admin_history.status_code == (200 if visible else 404), (persona, key, "admin history")
        else:
            assert admin_change.status_code == 302 and "/admin/login/" in admin_change.url
            assert admin_history.status_code == 302

    listing = client.get(reverse("customers:list"))
    if persona == "anonymous":
        assert listing.status_code == 302
    else:
        html = listing.content.decode()
        for key, customer in records.items():
            assert (customer.archive_no in html) == (key in VISIBLE[persona]), (persona, key, "list")
    if persona in STAFF:
        changelist = client.get(reverse("admin:customers_customer_changelist")).content.decode()
        for key, customer in records.items():
            assert (customer.archive_no in changelist) == (key in VISIBLE[persona]), (persona, key, "changelist")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["reviewer", "security_officer", "other_clerk", "other_department_manager"])
def test_no_unmasked_personal_or_secret_value_reaches_a_viewer_without_the_right(client, request, records, persona):
    _login(client, request, persona)
    approved = Customer.objects.get(pk=records["approved"].pk)
    secrets = [approved.id_number, approved.bank_account, "13911110003", "+8613911110003", "ok@example.com"]
    pages = [
        reverse("customers:list"),
        reverse("customers:detail", args=[approved.pk]),
        reverse("customers:list") + "?q=" + approved.archive_no,
        reverse("home"),
    ]
    if persona in STAFF:
        pages += [
            reverse("admin:customers_customer_changelist"),
            reverse("admin:customers_customer_change", args=[approved.pk]),
            reverse("admin:customers_customer_history", args=[approved.pk]),
        ]
    for page in pages:
        html = client.get(page).content.decode()
        for secret in secrets:
            assert secret not in html, (persona, page)


@pytest.mark.django_db
def test_the_maker_and_the_departments_manager_see_personal_values_but_never_s3(client, records, clerk, manager):
    approved = Customer.objects.get(pk=records["approved"].pk)
    for viewer in (clerk, manager):
        client.force_login(viewer)
        html = client.get(reverse("customers:detail", args=[approved.pk])).content.decode()
        assert "ok@example.com" in html
        assert approved.id_number not in html and approved.bank_account not in html


def _grant(clerk, manager, customer, hours=24) -> AccessGrant:
    grant = services.grant_request(actor=clerk, customer=customer, purpose="客户来电核对身份", hours=hours)
    return services.grant_approve(actor=manager, grant=grant)


@pytest.mark.django_db
def test_a_clerk_reveals_under_a_live_grant_and_the_access_log_records_it(client, records, clerk, manager):
    customer = records["approved"]
    client.force_login(clerk)
    refused = client.post(reverse("customers:reveal", args=[customer.pk, "id_number"]), HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    log = AccessLog.objects.filter(action="reveal_refused", customer_id=customer.pk).get()
    assert log.actor == clerk and log.field == "id_number"

    _grant(clerk, manager, customer)
    shown = client.post(
        reverse("customers:reveal", args=[customer.pk, "id_number"]),
        HTTP_ACCEPT="application/json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert shown.status_code == 200
    number = Customer.objects.get(pk=customer.pk).id_number
    assert shown.json()["value"] == number
    assert "no-store" in shown["Cache-Control"]
    entry = AccessLog.objects.filter(action="reveal", customer_id=customer.pk).get()
    assert (entry.actor, entry.field, entry.purpose, entry.address) == (
        clerk,
        "id_number",
        "客户来电核对身份",
        "10.1.2.3",
    )
    assert number not in str(AccessLog.objects.values_list())  # the value itself is never logged


@pytest.mark.django_db
def test_a_reveal_without_javascript_shows_the_value_on_a_page_of_its_own(client, records, manager):
    customer = records["approved"]
    client.force_login(manager)
    page = client.post(reverse("customers:reveal", args=[customer.pk, "bank_account"]), {"purpose": "对账"})
    assert page.status_code == 200
    assert Customer.objects.get(pk=customer.pk).bank_account in page.content.decode()
    assert AccessLog.objects.filter(action="reveal", actor=manager, purpose="对账").count() == 1


@pytest.mark.django_db
def test_a_manager_must_state_a_purpose_to_reveal(client, records, manager):
    client.force_login(manager)
    response = client.post(
        reverse("customers:reveal", args=[records["approved"].pk, "id_number"]), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert AccessLog.objects.filter(action="reveal_refused", actor=manager).count() == 1


@pytest.mark.django_db
def test_a_grant_expires_by_itself(records, clerk, manager):
    grant = _grant(clerk, manager, records["approved"], hours=1)
    assert grant.is_live
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(services.RevealRefused):
        services.customer_reveal(actor=clerk, customer=records["approved"], field="id_number")


@pytest.mark.django_db
def test_a_revoked_grant_no_longer_reveals(client, records, clerk, manager):
    grant = _grant(clerk, manager, records["approved"])
    client.force_login(manager)
    client.post(reverse("customers:grant_decide", args=[grant.pk, "revoke"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED and grant.revoked_by == manager
    with pytest.raises(services.RevealRefused):
        services.customer_reveal(actor=clerk, customer=records["approved"], field="id_number")
    assert AccessLog.objects.filter(action="grant_revoked").count() == 1


@pytest.mark.django_db
def test_a_manager_of_another_department_cannot_decide_the_request(client, records, clerk, other_department_manager):
    grant = services.grant_request(actor=clerk, customer=records["approved"], purpose="核对")
    with pytest.raises(PermissionDenied):
        services.grant_approve(actor=other_department_manager, grant=grant)
    client.force_login(other_department_manager)
    assert client.post(reverse("customers:grant_decide", args=[grant.pk, "approve"])).status_code == 404
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REQUESTED


@pytest.mark.django_db
def test_nobody_approves_their_own_request(records, department):
    both = UserFactory(username="clerk_and_manager", department=department)
    both.groups.add(Group.objects.get(name="clerk"), Group.objects.get(name="manager"))
    customer = CustomerFactory(actor=both, n=9)
    # As the department's manager this user may reveal directly, so asking is refused:
    with pytest.raises(PermissionDenied):
        services.grant_request(actor=both, customer=customer, purpose="自己批")
    grant = AccessGrant.objects.create(customer=customer, grantee=both, purpose="绕过服务")
    with pytest.raises(PermissionDenied):
        services.grant_approve(actor=both, grant=grant)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessGrant.objects.filter(pk=grant.pk).update(decided_by=both)


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(records, clerk, manager):
    grant = _grant(clerk, manager, records["approved"])
    with pytest.raises(ValidationError):
        services.grant_refuse(actor=manager, grant=grant)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED


@pytest.mark.django_db
def test_grant_requests_and_decisions_are_logged(client, records, clerk, manager):
    client.force_login(clerk)
    client.post(reverse("customers:grant_request", args=[records["approved"].pk]), {"purpose": "办理挂失", "hours": 2})
    grant = AccessGrant.objects.get()
    assert grant.hours == 2 and grant.status == GrantStatus.REQUESTED
    client.force_login(manager)
    assert client.get(reverse("customers:grants")).status_code == 200
    client.post(reverse("customers:grant_decide", args=[grant.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert timedelta(hours=1, minutes=59) < grant.expires_at - grant.decided_at <= timedelta(hours=2)
    actions = AccessLog.objects.exclude(action__in=["login", "logout"]).order_by("id")
    assert list(actions.values_list("action", flat=True)) == ["grant_requested", "grant_approved"]


@pytest.mark.django_db
def test_a_grant_request_needs_a_purpose_and_keeps_what_was_typed(client, records, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("customers:grant_request", args=[records["approved"].pk]), {"purpose": "", "hours": 500}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"purpose", "hours"}
    assert not AccessGrant.objects.exists()


@pytest.mark.django_db
def test_reassigning_the_owner_moves_the_per_object_rights(client, records, clerk, other_clerk, manager):
    customer = records["approved"]
    client.force_login(other_clerk)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    client.force_login(manager)
    client.post(reverse("customers:reassign_owner", args=[customer.pk]), {"owner": other_clerk.pk})
    customer.refresh_from_db()
    assert customer.owner == other_clerk
    client.force_login(other_clerk)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    # Handing it on again takes the right away from the previous (non-maker) owner.
    third = UserFactory(username="third", department=customer.department)
    third.groups.add(Group.objects.get(name="clerk"))  # an owner works on records (issue 14)
    services.customer_reassign_owner(actor=manager, customer=customer, new_owner=third)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    # The maker keeps their own rights throughout.
    client.force_login(clerk)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200


@pytest.mark.django_db
def test_a_clerk_cannot_reassign_owners(client, records, clerk, other_clerk):
    client.force_login(clerk)
    client.post(reverse("customers:reassign_owner", args=[records["draft"].pk]), {"owner": other_clerk.pk})
    assert Customer.objects.get(pk=records["draft"].pk).owner == clerk


@pytest.mark.django_db
def test_permission_rows_grow_with_owners_not_with_department_size(clerk, manager):
    CustomerFactory.create_batch(10, actor=clerk)
    # The maker's two rights per customer; the manager's department view needs none.
    assert CustomerUserObjectPermission.objects.count() == 20
    assert not CustomerUserObjectPermission.objects.filter(user=manager).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "manager", "reviewer"])
def test_list_pages_keep_a_fixed_query_count_as_rows_and_permission_rows_grow(
    client, request, clerk, persona, django_assert_max_num_queries
):
    viewer = request.getfixturevalue(persona)
    for _ in range(3):
        services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    client.force_login(viewer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("customers:list"))
    other_department = DepartmentFactory(code="elsewhere")
    stranger = UserFactory(username="stranger", department=other_department)
    stranger.groups.add(Group.objects.get(name="clerk"))
    for _ in range(57):
        services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
        CustomerFactory(actor=stranger)  # permission rows of someone else
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customers:list"))
    assert len(response.context["rows"]) == 50
