"""Grants, per-object rights and sessions end when a user's role, department or
account changes (issue 14, scope 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import services as account_services
from audit.models import AccessLog
from audit.reasons import decode
from customers import services
from customers.models import AccessGrant, CustomerUserObjectPermission, GrantStatus
from customers.selectors import customers_visible_to
from tests.factories import CustomerFactory, UserFactory


@pytest.fixture
def approved(clerk, reviewer):
    pending = services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=7))
    return services.customer_approve(actor=reviewer, customer=pending)


@pytest.fixture
def live_grant(clerk, manager, approved):
    grant = services.grant_request(actor=clerk, customer=approved, purpose="客户来电核对身份")
    return services.grant_approve(actor=manager, grant=grant)


def _logged_in(client, user):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client


def _logged_out(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and reverse("login") in response["Location"]


def _ended(user) -> AccessLog:
    return AccessLog.objects.filter(action=AccessLog.Action.RIGHTS_ENDED, detail__user=user.username).get()


@pytest.mark.django_db
def test_a_role_change_revokes_live_grants_ends_sessions_and_is_logged(client, clerk, approved, live_grant):
    _logged_in(client, clerk)
    asked = AccessGrant.objects.create(customer=approved, grantee=clerk, purpose="再次核对")  # an open request
    clerk.groups.remove(Group.objects.get(name="clerk"))
    clerk.groups.add(Group.objects.get(name="reviewer"))

    live_grant.refresh_from_db()
    asked.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED and live_grant.revoked_at is not None
    assert asked.status == GrantStatus.REVOKED
    assert decode(live_grant.history.first().history_change_reason) == {"code": "rights_ended", "why": ["role_changed"]}
    assert _logged_out(client)
    entry = _ended(clerk)
    assert entry.detail["grants"] == 2 and entry.detail["reasons"] == ["role_changed"]
    assert entry.detail["object_rights"] >= 2  # the maker's rows on the record they entered
    assert approved.id_number not in str(entry.detail) and approved.name not in str(entry.detail)
    assert not CustomerUserObjectPermission.objects.filter(user=clerk).exists()


@pytest.mark.django_db
def test_a_role_change_made_from_the_group_side_ends_rights_too(client, clerk, live_grant):
    _logged_in(client, clerk)
    Group.objects.get(name="clerk").user_set.remove(clerk)
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED
    assert _logged_out(client)
    assert _ended(clerk).detail["grants"] == 1


@pytest.mark.django_db
def test_disabling_an_account_revokes_grants_ends_sessions_and_is_logged(client, clerk, manager, live_grant):
    _logged_in(client, clerk)
    account_services.user_disable(actor=manager, user=clerk)
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED and live_grant.revoked_by == manager
    assert _logged_out(client)
    entry = _ended(clerk)
    assert entry.actor == manager and entry.detail["reasons"] == ["account_disabled"]
    assert not CustomerUserObjectPermission.objects.filter(user=clerk).exists()


@pytest.mark.django_db
def test_disabling_an_account_by_a_plain_save_ends_its_rights_as_well(client, clerk, live_grant):
    _logged_in(client, clerk)
    clerk.is_active = False
    clerk.save()
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED
    assert _ended(clerk).actor_name == "system"


@pytest.mark.django_db
def test_moving_department_ends_grants_and_the_old_departments_records(
    client, clerk, approved, live_grant, other_department
):
    draft = CustomerFactory(actor=clerk, n=8)
    _logged_in(client, clerk)
    account_services.user_move_department(actor=None, user=clerk, department=other_department)
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED
    assert _logged_out(client)
    assert not customers_visible_to(clerk).filter(pk__in=[approved.pk, draft.pk]).exists()
    assert not CustomerUserObjectPermission.objects.filter(user=clerk).exists()
    assert _ended(clerk).detail["reasons"] == ["department_changed"]
    client.force_login(clerk)
    assert client.get(reverse("customers:detail", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_a_moved_maker_keeps_the_records_of_the_new_department(clerk, other_department):
    other_manager = UserFactory(username="far_manager", department=other_department)
    other_manager.groups.add(Group.objects.get(name="manager"))
    CustomerFactory(actor=clerk, n=9)
    account_services.user_move_department(actor=None, user=clerk, department=other_department)
    clerk.refresh_from_db()
    mine_there = CustomerFactory(actor=clerk, n=10)
    account_services.user_change_role(actor=None, user=clerk, roles=["clerk", "reviewer"])  # a role gained
    assert list(customers_visible_to(clerk)) == [mine_there]


@pytest.mark.django_db
def test_gaining_a_role_or_setting_up_a_new_account_ends_nothing(client, clerk, live_grant, department):
    _logged_in(client, clerk)
    clerk.groups.add(Group.objects.get(name="reviewer"))
    newcomer = UserFactory(username="newcomer", department=department)
    newcomer.groups.add(Group.objects.get(name="security_officer"))
    live_grant.refresh_from_db()
    assert live_grant.is_live
    assert client.get(reverse("home")).status_code == 200
    assert not AccessLog.objects.filter(action=AccessLog.Action.RIGHTS_ENDED).exists()


@pytest.mark.django_db
def test_a_clerk_made_security_officer_loses_grants_and_sees_no_personal_value(client, clerk, approved, live_grant):
    _logged_in(client, clerk)
    clerk.groups.add(Group.objects.get(name="security_officer"))
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED
    assert _logged_out(client)
    client.force_login(clerk)
    html = client.get(reverse("customers:detail", args=[approved.pk])).content.decode()
    assert str(approved.mobile.national_number) not in html.replace(" ", "")


@pytest.mark.django_db
def test_saving_a_stale_copy_of_the_user_does_not_bring_ended_sessions_back(client, clerk):
    from accounts.models import User

    _logged_in(client, clerk)
    stale = User.objects.get(pk=clerk.pk)
    account_services.user_change_role(actor=None, user=clerk, roles=["reviewer"])
    stale.first_name = "改名"
    stale.save()
    assert _logged_out(client)
    assert User.objects.get(pk=clerk.pk).rights_epoch == 1


@pytest.mark.django_db
def test_replacing_the_roles_as_the_admins_user_form_does_ends_rights(client, clerk, live_grant):
    # The admin's user form saves the groups with `groups.set(...)`.
    _logged_in(client, clerk)
    clerk.groups.set([Group.objects.get(name="manager")])
    live_grant.refresh_from_db()
    assert live_grant.status == GrantStatus.REVOKED
    assert _logged_out(client)
    assert _ended(clerk).detail["reasons"] == ["role_changed"]


@pytest.mark.django_db
def test_an_ended_user_logs_in_again_with_what_their_new_role_allows(client, clerk, approved, other_department):
    account_services.user_move_department(actor=None, user=clerk, department=other_department)
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("customers:detail", args=[approved.pk])).status_code == 404
