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

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessLog
from audit.reasons import RightsEnded
from audit.services import access_log_record

# Why rights end; stored in the access log and the grants' trail as these codes,
# put into words by the reader (audit.reasons.RightsEnded).
ROLE_CHANGED = RightsEnded.ROLE_CHANGED
DEPARTMENT_CHANGED = RightsEnded.DEPARTMENT_CHANGED
ACCOUNT_DISABLED = RightsEnded.ACCOUNT_DISABLED


# What ends with a user's role, department or account, by the app that holds it:
# each app that gives rights registers its ender at start-up (customers: access
# grants and per-object rights, in `CustomersConfig.ready`), so accounts imports
# none of them. An ender runs in the caller's transaction and returns a count.
RIGHTS_ENDERS: dict[str, Callable[..., int]] = {}


def rights_ender_register(name: str, ender: Callable[..., int]) -> None:
    """`ender(user, *, actor, reasons, now)` (reasons: the codes of why) ends what `user` no longer may hold."""
    RIGHTS_ENDERS[name] = ender


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
    ended = {name: end(user, actor=actor, reasons=reasons, now=now) for name, end in RIGHTS_ENDERS.items()}
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
