"""Writes of the security officer's watch: incidents, account locks, alert
acknowledgements, and the access-log entry of every report or notice taken away.

Each takes a keyword-only `actor`, runs in one transaction and checks its rule
(watch/rights.py) before writing; the database constraints are the backstop."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import ACCOUNT_DISABLED, user_rights_end
from audit.models import AccessLog
from audit.services import access_log_record
from watch import rights
from watch.models import AccountLock, Alert, AlertStatus, Incident, IncidentStatus

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13)) | {0x7F: None}


def _clean_text(value: str, limit: int) -> str:
    """Typed text as it may be stored: no control characters (PostgreSQL refuses NUL)."""
    return str(value or "").translate(_CONTROL).strip()[:limit]


@transaction.atomic
def incident_open(
    *,
    actor: User,
    account: User,
    since: datetime,
    until: datetime,
    description: str,
    measures: str = "",
    contact: str = "",
) -> Incident:
    if not rights.may_investigate(actor, account):
        raise PermissionDenied(_("You may not open an incident about this account."))
    incident = Incident(
        account=account,
        department_id=account.department_id,
        since=since,
        until=until,
        description=_clean_text(description, 4000),
        measures=_clean_text(measures, 4000),
        contact=_clean_text(contact, 200),
        opened_by=actor,
    )
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_update(*, actor: User, incident: Incident, status: str, measures: str, contact: str) -> Incident:
    # Row lock: the race is two officers updating one incident, the later one
    # silently undoing the earlier one's status.
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not rights.may_change_incident(actor, incident):
        raise PermissionDenied(_("You may not change this incident."))
    if status not in IncidentStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    incident.status = status
    incident.measures = _clean_text(measures, 4000)
    incident.contact = _clean_text(contact, 200)
    incident.updated_at = timezone.now()
    incident.full_clean()
    incident.save(update_fields=["status", "measures", "contact", "updated_at"])
    return incident


@transaction.atomic
def account_lock(
    *,
    actor: User,
    account: User,
    reason: str,
    incident: Incident | None = None,
    request: HttpRequest | None = None,
) -> AccountLock:
    """Lock `account` at once: disable it, then end everything it holds through
    `accounts.services.user_rights_end` — its sessions (the rights epoch), its
    grants and object rights, its API tokens and whatever else an app registered
    (`rights_ender_register`) — all in this one transaction, with the reason."""
    reason = _clean_text(reason, 500)
    if not reason:
        raise ValidationError({"reason": _("Say why the account is locked.")})
    if account.pk == actor.pk:
        raise ValidationError(_("Nobody can lock their own account."))
    if not rights.may_lock(actor, account):
        raise PermissionDenied(_("You may not lock this account."))
    # Row lock: the race is the account being changed (a role, a department) while
    # it is locked, one change's rights end undoing what the other saw.
    locked = User.objects.select_for_update().get(pk=account.pk)
    # Disabled first, so every ender sees an account that holds nothing any more.
    # Saved without the signal that would end the rights a second time: they end
    # right here, and what ended is kept with the lock.
    User.objects.filter(pk=locked.pk).update(is_active=False)
    ended = user_rights_end(user=locked, reasons=[ACCOUNT_DISABLED], actor=actor, request=request)
    if ended is None:  # never logged in and held nothing: still say so in the log
        ended = {}
        access_log_record(
            action=AccessLog.Action.RIGHTS_ENDED,
            actor=actor,
            request=request,
            detail={"user": locked.username, "reasons": [str(ACCOUNT_DISABLED)], "locked": True},
        )
    lock = AccountLock(
        account=locked,
        locked_by=actor,
        reason=reason,
        ended={key: value for key, value in ended.items() if isinstance(value, int | bool)},
        incident=incident,
    )
    lock.full_clean()
    lock.save()
    account.is_active = False
    return lock


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, note: str) -> Alert:
    # Row lock: the race is two officers acknowledging one alert, each note lost to the other.
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.OPEN:
        raise ValidationError(_("This alert was acknowledged already."))
    if not rights.may_acknowledge(actor, alert):
        raise PermissionDenied(_("You may not acknowledge this alert."))
    note = _clean_text(note, 500)
    if not note:
        raise ValidationError({"note": _("Say what you found.")})
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = actor
    alert.acknowledged_at = timezone.now()
    alert.note = note
    alert.full_clean()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "note"])
    return alert


def taken_away_log(*, actor: User, request: HttpRequest | None, what: str, file_format: str, rows: int, **filters):
    """The access-log entry of an incident report or a breach notice leaving the
    system (counts and masked customers only, but an export all the same)."""
    return access_log_record(
        action=AccessLog.Action.EXPORT,
        actor=actor,
        request=request,
        detail={"what": what, "format": file_format, "rows": rows, "filter": {k: str(v) for k, v in filters.items()}},
    )
