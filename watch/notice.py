"""The breach-notice draft of an incident (PIPL art. 57): what happened, which
customers (masked), the kinds of information, the likely harm, the measures
taken and whom to contact. Put into words in the reader's language (Chinese by
default); the officer reads it over and sends it, nothing here sends anything."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessLog
from watch import selectors
from watch.models import AccountLock, Incident

HARM = {
    "id_number": gettext_lazy(
        "ID numbers: they could be used to pass identity checks or open accounts in the customers' names."
    ),
    "bank_account": gettext_lazy(
        "Bank account numbers: they could be used for fraudulent debits or for scams aimed at the customers."
    ),
    AccessLog.Action.LOOKUP: gettext_lazy(
        "Exact lookups: they confirm whether a given person is a customer, which helps targeted scams."
    ),
    AccessLog.Action.EXPORT: gettext_lazy(
        "Exported lists: contact details in them could be used for unwanted calls, messages or scams."
    ),
}
NO_HARM = gettext_lazy("No personal value was reached in the window: the likely harm is low.")


@dataclass
class Notice:
    incident: Incident
    report: selectors.Report
    harms: list[str]
    measures: list[str]
    contact: str


def _lock_measure(lock: AccountLock) -> str:
    ended = lock.ended or {}
    counts = ", ".join(f"{name}: {value}" for name, value in sorted(ended.items()) if not isinstance(value, bool))
    text = _("Account %(user)s locked on %(at)s: its sessions, grants and API tokens ended") % {
        "user": lock.account.username,
        "at": f"{lock.locked_at:%Y-%m-%d %H:%M}",
    }
    return f"{text} ({counts})." if counts else f"{text}."


def breach_notice(incident: Incident) -> Notice:
    report = selectors.incident_report(account=incident.account, since=incident.since, until=incident.until)
    reached = {name for line in report.customers for name in line.fields}
    if report.counts.get(AccessLog.Action.LOOKUP):
        reached.add(AccessLog.Action.LOOKUP)
    if report.exports:
        reached.add(AccessLog.Action.EXPORT)
    harms = [str(text) for key, text in HARM.items() if key in reached] or [str(NO_HARM)]
    locks = AccountLock.objects.filter(account_id=incident.account_id, locked_at__gte=incident.since)
    measures = [line for line in incident.measures.splitlines() if line.strip()]
    measures += [_lock_measure(lock) for lock in locks.select_related("account")]
    contact = incident.contact or settings.CRM_BREACH_CONTACT or incident.opened_by.display_name
    return Notice(incident=incident, report=report, harms=harms, measures=measures, contact=contact)
