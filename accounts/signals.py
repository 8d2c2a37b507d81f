"""Rights end when a user's role, department or account changes.

STYLE.md keeps business logic out of signals. These receivers hold none: each
notices a change and calls the one service, `accounts.services.user_rights_end`.
A signal is needed because users are changed outside our services — by the
Django admin's user form (fields, then the groups through `groups.set`), by
`manage.py shell` and `createsuperuser`, by `seed_demo` — and a grant or a
session that outlives the change it depended on must end whatever path made it."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from accounts import services
from accounts.models import Role, User

WATCHED = {"department", "department_id", "is_active"}


def _actor_and_request(instance=None):
    """Who made the change: the caller of an accounts service, else the user of
    the request being served (the admin), else nobody (a command)."""
    request = getattr(HistoricalRecords.context, "request", None)
    actor = getattr(instance, "_rights_actor", None)
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = getattr(user, "_wrapped", user)
    return actor, request


@receiver(pre_save, sender=User, dispatch_uid="accounts_rights_before")
def _remember_before(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not (WATCHED | {"rights_epoch"}) & set(update_fields):
        return  # e.g. the last_login update of every log-in
    row = User.objects.filter(pk=instance.pk).values_list("department_id", "is_active", "rights_epoch").first()
    if row is None:
        return
    # The epoch only rises: a stale copy of the user saved later must not bring
    # ended sessions back to life.
    instance.rights_epoch = max(instance.rights_epoch, row[2])
    instance._rights_before = row[:2]


@receiver(post_save, sender=User, dispatch_uid="accounts_rights_after")
def _end_after_change(sender, instance: User, created: bool = False, raw: bool = False, **kwargs) -> None:
    before = instance.__dict__.pop("_rights_before", None)
    if created or raw or before is None:
        return
    department_id, was_active = before
    reasons = []
    if department_id != instance.department_id:
        reasons.append(services.DEPARTMENT_CHANGED)
    if was_active and not instance.is_active:
        reasons.append(services.ACCOUNT_DISABLED)
    if reasons:
        actor, request = _actor_and_request(instance)
        services.user_rights_end(user=instance, reasons=reasons, actor=actor, request=request)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_rights_groups")
def _end_after_role_change(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        # After a clear nobody can tell what was there: note it now.
        if reverse:
            instance._rights_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._rights_cleared = list(instance.groups.values_list("name", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    cleared = instance.__dict__.pop("_rights_cleared", [])
    if reverse:  # group.user_set.add/remove/clear(...): `instance` is the group
        roles, user_pks = {instance.name}, list(pk_set or cleared)
    else:
        names = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True) if pk_set else cleared
        roles, user_pks = set(names), [instance.pk]
    roles &= set(Role.values)
    # Losing a role ends rights; so does becoming a security officer, who holds
    # no personal value in any capacity. Gaining another role ends nothing.
    if not roles or (action == "post_add" and Role.SECURITY_OFFICER not in roles):
        return
    actor, request = _actor_and_request(None if reverse else instance)
    for pk in user_pks:
        services.user_rights_end(user=User(pk=pk), reasons=[services.ROLE_CHANGED], actor=actor, request=request)
