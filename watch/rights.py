"""Who may use the security officer's watch, decided in one place.

Rights come from roles (group permissions, no superuser shortcut). A security
officer watches the accounts of their department (the whole company only with
`accounts.view_company_log`, as for the access log), and never acts on their own
account: nobody locks themselves, acknowledges an alert about themselves or
investigates themselves. Anyone else gets a 404, as for a page that does not exist."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from audit.rights import department_scope
from watch.models import Alert, AlertStatus, Incident


def watches(user: User) -> bool:
    """May open the watch's pages at all (the security officer's role right)."""
    return user.is_authenticated and user.has_role_permission("watch.view_incident")


def require_watches(user: User) -> None:
    if not watches(user):
        raise Http404


def in_scope(user: User, department_id: int | None) -> bool:
    """Whether `department_id` (an account's, an incident's, an alert's) is the watcher's to see."""
    scope = department_scope(user)
    return scope is None or (department_id is not None and department_id == scope)


def sees_account(user: User, account: User) -> bool:
    return watches(user) and in_scope(user, account.department_id)


def may_investigate(user: User, account: User) -> bool:
    """Open an incident about `account` or read its report: not one's own."""
    return sees_account(user, account) and account.pk != user.pk and user.has_role_permission("watch.add_incident")


def may_lock(user: User, account: User) -> bool:
    return sees_account(user, account) and account.pk != user.pk and user.has_role_permission("watch.lock_account")


def sees_incident(user: User, incident: Incident) -> bool:
    return watches(user) and in_scope(user, incident.department_id)


def may_change_incident(user: User, incident: Incident) -> bool:
    return (
        sees_incident(user, incident)
        and incident.account_id != user.pk
        and user.has_role_permission("watch.change_incident")
    )


def sees_alert(user: User, alert: Alert) -> bool:
    return watches(user) and user.has_role_permission("watch.view_alert") and in_scope(user, alert.department_id)


def may_acknowledge(user: User, alert: Alert) -> bool:
    return (
        sees_alert(user, alert)
        and alert.status == AlertStatus.OPEN
        and alert.account_id != user.pk
        and user.has_role_permission("watch.change_alert")
    )
