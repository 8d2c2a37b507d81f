"""Tokens per system: shown once, stored hashed, expiring, revocable at once,
throttled, ended with the rights of whoever stands behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.services import user_change_role, user_disable, user_move_department
from api import services
from api.models import ApiToken
from audit.models import AccessLog
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def test_the_secret_is_stored_only_as_its_digest(enter_token):
    token, secret = enter_token
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in str(stored)
    assert stored["digest"] == services.digest_of(secret)
    assert token.account.has_usable_password() is False
    assert token.account.department_id == token.created_by.department_id


def test_only_a_manager_creates_tokens(clerk, reviewer, security_officer, superuser):
    for user in (clerk, reviewer, security_officer, superuser):
        with pytest.raises(PermissionDenied):
            make_token(user)
    assert not ApiToken.objects.exists()


def test_a_token_expires_after_ninety_days_by_default(enter_token):
    token = enter_token[0]
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_a_revoked_token_is_refused_on_its_very_next_call(enter_token, manager):
    token, secret = enter_token
    client = bearer(secret)
    assert client.get("/api/v1/products/").status_code == 200
    services.token_revoke(actor=manager, token=token)
    refused = client.get("/api/v1/products/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(enter_token):
    token, secret = enter_token
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=91), expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert bearer(secret).get("/api/v1/products/").status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(enter_token):
    token, secret = enter_token
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert bearer(forged).get("/api/v1/products/").status_code == 401
    assert bearer("nonsense").get("/api/v1/products/").status_code == 401


def test_no_token_is_a_401_and_a_session_login_is_not_enough(client, manager):
    assert client.get("/api/v1/customers/").status_code == 401
    client.force_login(manager)
    assert client.get("/api/v1/customers/").status_code == 401


def test_calls_beyond_the_rate_are_throttled_per_token(settings, manager):
    from rest_framework.settings import api_settings

    from api.auth import TokenRateThrottle

    rates = {"token": "3/min"}
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = rates
    try:
        first = bearer(make_token(manager, name="甲")[1])
        second = bearer(make_token(manager, name="乙")[1])
        assert [first.get("/api/v1/products/").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert second.get("/api/v1/products/").status_code == 200
    finally:
        TokenRateThrottle.THROTTLE_RATES = original
    assert api_settings.DEFAULT_THROTTLE_RATES["token"] == settings.CRM_API_RATE


def test_the_last_use_is_noted(enter_token):
    token, secret = enter_token
    bearer(secret).get("/api/v1/products/")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("change", ["disable", "move", "role"])
def test_a_managers_tokens_end_when_the_manager_is_disabled_moved_or_out_of_the_role(change, manager, other_department):
    token, secret = make_token(manager)
    if change == "disable":
        user_disable(actor=None, user=manager)
    elif change == "move":
        user_move_department(actor=None, user=manager, department=other_department)
    else:
        user_change_role(actor=None, user=manager, roles=["clerk"])
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(secret).get("/api/v1/products/").status_code == 401
    assert AccessLog.objects.filter(action=AccessLog.Action.API_TOKEN, detail__event="rights_ended").exists()


def test_a_system_account_disabled_ends_its_token(enter_token, manager):
    token, secret = enter_token
    user_disable(actor=manager, user=token.account)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(secret).get("/api/v1/products/").status_code == 401


def test_another_managers_change_leaves_the_token_alone(enter_token, other_department_manager):
    user_disable(actor=None, user=other_department_manager)
    enter_token[0].refresh_from_db()
    assert enter_token[0].revoked_at is None


@pytest.mark.django_db
def test_a_tokens_system_account_is_never_offered_as_an_owner_or_a_handler(enter_token, clerk, manager):
    from customers.selectors import department_members

    token, _secret = enter_token
    members = set(department_members(department_id=manager.department_id))
    assert token.account not in members
    assert {clerk, manager} <= members
