"""What ends when a member of staff's role, department or account changes
(SPEC §2, issue 14).

Grants and per-object rights belong to a person *in a role, in a department*.
When either changes, or the account is disabled, `user_rights_end`:

- revokes the user's live access grants and withdraws their open requests
  (status revoked, the reason in the grant's change trail);
- removes their per-object rights (django-guardian rows) on customers they no
  longer may hold: all of them when they no longer work on records (disabled, a
  security officer, or a role without customers), else those of customers of
  other departments. What a maker moved to another department keeps: nothing of
  the old department — the department filter follows their new department, their
  maker and owner rows there end, and the old department's manager reassigns the
  customers they owned;
- ends every session of the user: the user's `rights_epoch` is part of the
  session hash, so raising it makes every session, in any session backend, fail
  on its next request (Django then flushes it). Nothing scans the session table;
- writes one `RIGHTS_ENDED` access-log entry with what ended (counts, never a
  value), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessLog
from audit.reasons import Reason, RightsEnded
from audit.services import access_log_record
from audit.tracked import tracked_save

# Why rights end; stored in the access log and the grants' trail as these codes,
# put into words by the reader (audit.reasons.RightsEnded).
ROLE_CHANGED = RightsEnded.ROLE_CHANGED
DEPARTMENT_CHANGED = RightsEnded.DEPARTMENT_CHANGED
ACCOUNT_DISABLED = RightsEnded.ACCOUNT_DISABLED


def _end_grants(user: User, *, actor: User | None, reasons: list[str], now) -> int:
    from customers.models import AccessGrant, GrantStatus

    # Row lock: the race is a manager approving a request while the grantee's role changes.
    grants = list(
        AccessGrant.objects.select_for_update()
        .filter(grantee=user)
        .filter(Q(status=GrantStatus.REQUESTED) | Q(status=GrantStatus.APPROVED, expires_at__gt=now))
        .order_by("pk")
    )
    for grant in grants:
        grant.status, grant.revoked_at = GrantStatus.REVOKED, now
        grant.revoked_by = actor if actor is not None and actor.pk != user.pk else None
        tracked_save(
            grant,
            actor=actor,
            reason=Reason.RIGHTS_ENDED,
            data={"why": reasons},
            update_fields=["status", "revoked_at", "revoked_by"],
        )
    return len(grants)


def _end_object_rights(user: User) -> int:
    from customers.models import CustomerUserObjectPermission
    from customers.rights import may_hold_records

    rows = CustomerUserObjectPermission.objects.filter(user=user)
    if may_hold_records(user):
        rows = rows.exclude(content_object__department_id=user.department_id)
    deleted, _ = rows.delete()
    return deleted


@transaction.atomic
def user_rights_end(
    *,
    user: User,
    reasons: Iterable[str],
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> dict[str, int] | None:
    """End what `user` no longer may hold after their role, department or account
    changed (the change itself is already saved, in this transaction). Returns
    what ended, or None when there was nothing to end (a user who never logged in,
    with no grant and no per-object right — a new account being set up)."""
    reasons = sorted({str(code) for code in reasons})
    changed = user
    # Row lock: the race is two changes of one user ending rights at once.
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    ended = {
        "grants": _end_grants(user, actor=actor, reasons=reasons, now=now),
        "object_rights": _end_object_rights(user),
    }
    if not any(ended.values()) and user.last_login is None:
        return None
    # Every session of the user fails its next request (the epoch is in the session hash).
    User.objects.filter(pk=user.pk).update(rights_epoch=F("rights_epoch") + 1)
    changed.rights_epoch = user.rights_epoch + 1  # the caller's copy, so saving it again keeps the new epoch
    ended["sessions_ended"] = True
    access_log_record(
        action=AccessLog.Action.RIGHTS_ENDED,
        actor=actor,
        actor_name="" if actor is not None else "system",
        request=request,
        detail={"user": user.username, "reasons": reasons, **ended},
    )
    return ended


# The changes themselves. Each saves the user; the receivers in accounts/signals.py
# then call `user_rights_end` in the same transaction — the same path as a change
# made in the admin or in `manage.py shell`, so there is one way rights end.


@transaction.atomic
def user_disable(*, actor: User | None, user: User) -> User:
    """Disable an account; its grants, per-object rights and sessions end with it."""
    user._rights_actor = actor
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_move_department(*, actor: User | None, user: User, department) -> User:
    user._rights_actor = actor
    user.department = department
    user.save(update_fields=["department"])
    return user


@transaction.atomic
def user_change_role(*, actor: User | None, user: User, roles: Iterable[str]) -> User:
    """Give `user` exactly these business roles (group names); other groups stay."""
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError

    from accounts.models import Role

    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError(_("Unknown roles: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    user._rights_actor = actor
    others = list(user.groups.exclude(name__in=Role.values))
    user.groups.set([*others, *Group.objects.filter(name__in=wanted)])
    return user
