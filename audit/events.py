"""An access-log entry's detail in words, in the reader's language.

Each entry stores its event as data — the action's code and a small `detail`
object of codes, counts and user names, never an S2 or S3 value — and is put
into words only here, when read. The words are not chained: changing them never
touches the log's hashes (audit/chain.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.models import AccessLog
from audit.reasons import RightsEnded
from vault.masking import RevealBasis

Action = AccessLog.Action

REFUSALS = {
    "no right": gettext_lazy("no live grant or other right"),
    "no purpose": gettext_lazy("no purpose stated"),
}


def _hours(detail: Mapping[str, Any]) -> str:
    hours = detail.get("hours")
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours} if isinstance(hours, int) else ""


def _grant(detail: Mapping[str, Any]) -> str:
    parts = [_("grant #%(id)s") % {"id": detail["grant"]}] if detail.get("grant") else []
    if detail.get("grantee"):
        parts.append(_("for %(user)s") % {"user": detail["grantee"]})
    return " ".join(filter(None, [*parts, _hours(detail)]))


def _rights_ended(detail: Mapping[str, Any]) -> str:
    why = [str(RightsEnded(code).label) for code in detail.get("reasons", []) if code in RightsEnded.values]
    counts = _("%(grants)s grants and %(rights)s object rights ended") % {
        "grants": detail.get("grants", 0),
        "rights": detail.get("object_rights", 0),
    }
    return " · ".join(filter(None, [str(detail.get("user", "")), _("; ").join(why), counts]))


def _rows(detail: Mapping[str, Any]) -> str:
    parts = [str(detail.get("what", "")), str(detail.get("format", "")).upper()]
    if isinstance(detail.get("rows"), int):
        parts.append(ngettext("%(n)s row", "%(n)s rows", detail["rows"]) % {"n": detail["rows"]})
    return " · ".join(filter(None, parts))


def _lookup(detail: Mapping[str, Any]) -> str:
    if isinstance(detail.get("matched"), int):
        return ngettext("%(n)s match", "%(n)s matches", detail["matched"]) % {"n": detail["matched"]}
    if isinstance(detail.get("limit"), int):
        return _("hourly budget of %(n)s spent") % {"n": detail["limit"]}
    return ""


def _api(detail: Mapping[str, Any]) -> str:
    parts = [str(detail.get("system", "")), str(detail.get("token", ""))]
    if detail.get("endpoint"):
        parts.append(f"{detail.get('method', '')} {detail['endpoint']} → {detail.get('status', '')}")
    if isinstance(detail.get("rows"), int):
        parts.append(ngettext("%(n)s row", "%(n)s rows", detail["rows"]) % {"n": detail["rows"]})
    if detail.get("event"):
        parts.append(str(API_TOKEN_EVENTS.get(detail["event"], "")))
    return " · ".join(filter(None, parts))


API_TOKEN_EVENTS = {
    "created": gettext_lazy("created"),
    "revoked": gettext_lazy("revoked"),
    "rights_ended": gettext_lazy("revoked: its account's or its maker's rights ended"),
}


def describe(action: str, detail: Mapping[str, Any] | None) -> str:
    """The detail of one entry in the reader's language ("" when it has none
    worth saying)."""
    detail = detail if isinstance(detail, Mapping) else {}
    if action == Action.REVEAL and detail.get("basis") in RevealBasis.values:
        return str(RevealBasis(detail["basis"]).label)
    if action == Action.REVEAL_REFUSED:
        return str(REFUSALS.get(detail.get("reason"), ""))
    if action in (Action.GRANT_REQUESTED, Action.GRANT_APPROVED, Action.GRANT_REFUSED, Action.GRANT_REVOKED):
        return _grant(detail)
    if action == Action.RIGHTS_ENDED:
        return _rights_ended(detail)
    if action == Action.EXPORT:
        return _rows(detail)
    if action in (Action.LOOKUP, Action.LOOKUP_REFUSED):
        return _lookup(detail)
    if action in (Action.API_CALL, Action.API_TOKEN):
        return _api(detail)
    return ""
