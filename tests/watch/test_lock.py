"""Lock account (issue 18 item 3): one step ends the account's sessions, grants
and API tokens and disables it, with the reason kept; a confirm step; nobody
locks themselves; another department's account is not found."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import RIGHTS_ENDERS
from audit.models import AccessLog
from customers import services
from customers.models import GrantStatus
from tests.factories import UserFactory
from watch.models import AccountLock
from watch.services import account_lock

REASON = "批量查看客户证件号，疑似泄露"


@pytest.fixture
def live_grant(clerk, manager, approved):
    grant = services.grant_request(actor=clerk, customer=approved, purpose="客户来电核对身份")
    return services.grant_approve(actor=manager, grant=grant)


@pytest.fixture
def fake_tokens(monkeypatch):
    """What the api app registers for its tokens, standing in for it: counts calls."""
    calls = []

    def end_tokens(user, *, actor, reasons, now):
        calls.append((user.pk, actor.pk, tuple(reasons)))
        return 2

    monkeypatch.setitem(RIGHTS_ENDERS, "api_tokens", end_tokens)
    return calls


def _lock_url(user) -> str:
    return reverse("watch:lock", kwargs={"pk": user.pk})


def _signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client


@pytest.mark.django_db
def test_locking_ends_sessions_grants_and_tokens_at_once_and_keeps_the_reason(
    client, django_user_model, clerk, security_officer, live_grant, fake_tokens
):
    from django.test import Client

    victim = _signed_in(Client(), clerk)
    _signed_in(client, security_officer)
    page = client.get(_lock_url(clerk))
    assert page.status_code == 200 and "clerk" in page.content.decode()

    response = client.post(_lock_url(clerk), {"reason": REASON, "confirm": "on"})

    assert response.status_code == 302
    clerk.refresh_from_db()
    live_grant.refresh_from_db()
    assert not clerk.is_active
    assert live_grant.status == GrantStatus.REVOKED
    assert fake_tokens == [(clerk.pk, security_officer.pk, ("account_disabled",))]
    lock = AccountLock.objects.get()
    assert (lock.account, lock.locked_by, lock.reason) == (clerk, security_officer, REASON)
    assert lock.ended["grants"] == 1 and lock.ended["api_tokens"] == 2 and lock.ended["sessions_ended"] is True
    entry = AccessLog.objects.filter(action=AccessLog.Action.RIGHTS_ENDED, detail__user="clerk").get()
    assert entry.actor == security_officer and entry.detail["api_tokens"] == 2
    refused = victim.get(reverse("home"))  # the clerk's open session, on its next request
    assert refused.status_code == 302 and reverse("login") in refused["Location"]


@pytest.mark.django_db
def test_locking_needs_the_confirmation_and_a_reason(client, clerk, security_officer):
    client.force_login(security_officer)
    assert client.post(_lock_url(clerk), {"reason": REASON}).status_code == 200
    assert client.post(_lock_url(clerk), {"reason": "", "confirm": "on"}).status_code == 200
    clerk.refresh_from_db()
    assert clerk.is_active and not AccountLock.objects.exists()


@pytest.mark.django_db
def test_an_officer_cannot_lock_their_own_account(client, security_officer):
    client.force_login(security_officer)
    response = client.post(_lock_url(security_officer), {"reason": REASON, "confirm": "on"})
    assert response.status_code == 302
    security_officer.refresh_from_db()
    assert security_officer.is_active and not AccountLock.objects.exists()
    with pytest.raises(ValidationError):
        account_lock(actor=security_officer, account=security_officer, reason=REASON)


@pytest.mark.django_db
def test_another_departments_account_is_not_found_and_others_cannot_lock(
    client, clerk, manager, security_officer, other_department_manager
):
    client.force_login(security_officer)
    assert client.get(_lock_url(other_department_manager)).status_code == 404
    client.force_login(manager)
    assert client.post(_lock_url(clerk), {"reason": REASON, "confirm": "on"}).status_code == 404
    clerk.refresh_from_db()
    assert clerk.is_active


@pytest.mark.django_db
def test_an_account_that_never_logged_in_is_locked_and_the_lock_is_logged(department, security_officer):
    fresh = UserFactory(username="fresh", department=department)
    lock = account_lock(actor=security_officer, account=fresh, reason=REASON)
    fresh.refresh_from_db()
    assert not fresh.is_active and lock.ended == {}
    assert AccessLog.objects.filter(action=AccessLog.Action.RIGHTS_ENDED, detail__user="fresh").exists()


@pytest.mark.django_db
def test_locking_a_manager_revokes_the_api_tokens_they_made_and_the_api_refuses_them_at_once(security_officer, manager):
    from rest_framework.test import APIClient

    from api.models import ApiToken
    from api.services import token_create

    token, secret = token_create(actor=manager, system_name="网银系统", role="enter")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api:customers")).status_code == 200
    account_lock(actor=security_officer, account=manager, reason="账户疑似被盗用")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert api.get(reverse("api:customers")).status_code == 401
