"""Every write to API tokens, and the access-log entry of each API call.

Each token acts through a system account of its own (`token_create`): a `User`
with no usable password, in the department of the manager who made it, in the
group of the token's role, so the rights modules treat it as they treat a person."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from api import rights
from api.models import ApiToken, TokenRole
from audit.models import AccessLog
from audit.services import access_log_record
from customers.services import customer_reveal

SECRET_BYTES = 32
PREFIX_BYTES = 6
TOKEN_START = "ctk_"  # noqa: S105 - the tokens' fixed start, not a secret
# The group a "reader" token's account is in: the department's records, S2 masked
# (a department-wide row right, no personal-value right).
READER_GROUP = "api_reader"
READER_PERMISSIONS = ("customers.view_department_customers",)
ROLE_GROUPS = {TokenRole.ENTER: Role.CLERK, TokenRole.READER: READER_GROUP}


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _group_for(role: str) -> Group:
    group, _created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    if role == TokenRole.READER and not group.permissions.exists():
        for perm in READER_PERMISSIONS:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


@transaction.atomic
def token_create(*, actor: User, system_name: str, role: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `system_name`, bound to the actor's department; returns the
    token and its secret, which is shown once and never stored."""
    if not rights.may_manage_tokens(actor):
        raise PermissionDenied(_("Only a manager of a department creates API tokens."))
    system_name = (system_name or "").strip()
    if not system_name:
        raise ValidationError({"system_name": _("Name the system that will use the token.")})
    if role not in TokenRole.values:
        raise ValidationError({"role": _("Choose the token's rights.")})
    days = settings.CRM_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.CRM_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token runs from 1 to %(max)s days.") % {"max": settings.CRM_API_TOKEN_MAX_DAYS}}
        )
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    account = User(
        username=f"system-{prefix}",
        first_name=system_name[:150],
        department_id=actor.department_id,
        is_staff=False,
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    account.groups.add(_group_for(role))
    now = timezone.now()
    token = ApiToken(
        system_name=system_name,
        prefix=prefix,
        digest=digest_of(secret),
        role=role,
        department_id=actor.department_id,
        account=account,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    access_log_record(
        action=AccessLog.Action.API_TOKEN,
        actor=actor,
        detail={"event": "created", "token": prefix, "system": system_name[:100], "role": role, "days": days},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken, why: str = "revoked") -> ApiToken:
    """End a token at once: its next call is refused."""
    # Row lock: the race is two managers revoking the same token (one entry each otherwise).
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if actor is not None and not rights.may_manage(actor, token):
        raise PermissionDenied(_("Only a manager of the token's department revokes it."))
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    access_log_record(
        action=AccessLog.Action.API_TOKEN,
        actor=actor,
        actor_name="" if actor is not None else "system",
        detail={"event": why, "token": token.prefix, "system": token.system_name[:100]},
    )
    return token


def tokens_end_for_user(user: User, *, actor: User | None, reasons: list[str], now: datetime) -> int:
    """Revoke the tokens `user` may no longer stand behind (their rights ended,
    `accounts.services.user_rights_end`): a system account's own token, and the
    tokens a manager made who is now disabled, moved or out of the role."""
    tokens = ApiToken.objects.filter(revoked_at__isnull=True).filter(Q(account=user) | Q(created_by=user))
    ended = 0
    for token in tokens.select_for_update().order_by("pk"):
        if token.account_id != user.pk and rights.may_manage(user, token):
            continue  # its maker still manages the department
        token_revoke(actor=None, token=token, why="rights_ended")
        ended += 1
    return ended


def token_used(*, token: ApiToken, now: datetime) -> None:
    """Note the token's last use (at most once a minute: not a write per call)."""
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_call_log(*, request, token: ApiToken, endpoint: str, status: int, rows: int | None) -> None:
    """One access-log entry per API call: which token and system, which endpoint,
    the answer and how many rows it carried — never a value."""
    detail = {"token": token.prefix, "system": token.system_name[:100], "endpoint": endpoint, "status": status}
    if rows is not None:
        detail["rows"] = rows
    detail["method"] = request.method
    access_log_record(action=AccessLog.Action.API_CALL, actor=token.account, request=request, detail=detail)


def api_reveal(*, actor: User, customer, field: str, purpose: str, request=None) -> str:
    """An S3 value through the API: only under a live grant of the token's system
    account, with a stated purpose; a refusal is logged as on the pages."""
    return customer_reveal(
        actor=actor, customer=customer, field=field, purpose=purpose, request=request, grant_only=True
    )
