"""Why a tracked record changed: a reason code, its data and an optional note,
stored as data and put into words only when read, in the reader's language.

A version's `history_change_reason` holds one small JSON object
(`{"code": "moved", "old": "new", "new": "confirmed"}`); `reason_text` renders it.
Versions written before reasons were codes hold a sentence in the language the
actor's screen had: a sentence this module recognises (a label below, in English
or Chinese, or a status move "A → B") is rendered as if it were stored as a code;
any other is shown as it was written."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vault.masking import RevealBasis

NOTE_LENGTH = 500


class Reason(models.TextChoices):
    """Every reason a tracked save gives. The label is the reason in words; a
    reason with data has its sentence in `SENTENCES`."""

    ENTERED = "entered", gettext_lazy("Entered")
    CORRECTED = "corrected", gettext_lazy("Corrected")
    SUBMITTED = "submitted", gettext_lazy("Submitted for review")
    FIRST_APPROVED = "first_approved", gettext_lazy("First approval; waits for a second")
    APPROVED = "approved", gettext_lazy("Approved")
    RETURNED = "returned", gettext_lazy("Returned")
    CREATED = "created", gettext_lazy("Created")
    RECORDED = "recorded", gettext_lazy("Recorded")
    LOGGED = "logged", gettext_lazy("Logged")
    FOLLOWED_UP = "followed_up", gettext_lazy("Followed up")
    RECEIVED = "received", gettext_lazy("Received")
    MOVED = "moved", gettext_lazy("Status changed")
    ASSIGNED = "assigned", gettext_lazy("Assigned")
    REQUESTED = "requested", gettext_lazy("Requested")
    REFUSED = "refused", gettext_lazy("Refused")
    REVOKED = "revoked", gettext_lazy("Revoked")
    OWNER_REASSIGNED = "owner_reassigned", gettext_lazy("Owner reassigned")
    TAG_ADDED = "tag_added", gettext_lazy("Tag added")
    TAG_REMOVED = "tag_removed", gettext_lazy("Tag removed")
    CHANGE_APPLIED = "change_applied", gettext_lazy("Change applied")
    IMPORTED = "imported", gettext_lazy("Imported and submitted for review")
    RIGHTS_ENDED = "rights_ended", gettext_lazy("Rights ended")
    MERGED_INTO = "merged_into", gettext_lazy("Merged into another record")
    MERGED_FROM = "merged_from", gettext_lazy("Another record merged into this one")


# The sentence of a reason that carries data; `%(old)s`/`%(new)s` are status codes
# rendered through the record's own status labels.
SENTENCES: dict[str, Any] = {
    Reason.MOVED: gettext_lazy("%(old)s → %(new)s"),
    Reason.ASSIGNED: gettext_lazy("Assigned to %(name)s"),
    Reason.TAG_ADDED: gettext_lazy("Tag added: %(tag)s"),
    Reason.TAG_REMOVED: gettext_lazy("Tag removed: %(tag)s"),
    Reason.CHANGE_APPLIED: gettext_lazy("Change %(number)s requested by %(maker)s, approved by %(checkers)s"),
    Reason.IMPORTED: gettext_lazy("Imported from %(file)s and submitted for review"),
    Reason.MERGED_INTO: gettext_lazy(
        "Merged into %(other)s (%(number)s): proposed by %(maker)s, approved by %(checkers)s"
    ),
    Reason.MERGED_FROM: gettext_lazy(
        "%(other)s merged into this record (%(number)s): proposed by %(maker)s, approved by %(checkers)s"
    ),
}


class RightsEnded(models.TextChoices):
    """Why a member of staff's rights ended (`Reason.RIGHTS_ENDED`, and the access
    log's `rights_ended` entries)."""

    ROLE_CHANGED = "role_changed", gettext_lazy("Rights ended: role changed")
    DEPARTMENT_CHANGED = "department_changed", gettext_lazy("Rights ended: department changed")
    ACCOUNT_DISABLED = "account_disabled", gettext_lazy("Rights ended: account disabled")


_CONTROL = dict.fromkeys(range(32)) | {0x7F: None}


def encode(reason: Reason | str, *, note: str = "", **data: Any) -> str:
    """What a version stores as its reason: the code, its data and the note."""
    code = Reason(reason).value
    stored = {"code": code, **{key: value for key, value in data.items() if value not in (None, "")}}
    note = str(note or "").translate(_CONTROL).strip()[:NOTE_LENGTH]
    if note:
        stored["note"] = note
    return json.dumps(stored, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def decode(stored: str | None) -> dict[str, Any] | None:
    """The stored reason as data, or None for an empty one or a sentence of old."""
    text = (stored or "").strip()
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("code") not in Reason.values:
        return None
    return data


def _status_labels(model: type[models.Model] | None) -> Mapping[str, str]:
    if model is None:
        return {}
    try:
        field = model._meta.get_field("status")
    except FieldDoesNotExist:  # a model without a status: codes are shown as they are
        return {}
    return {str(value): str(label) for value, label in field.flatchoices}


def render(data: Mapping[str, Any], *, model: type[models.Model] | None = None) -> str:
    """A decoded reason in the active language."""
    code = data["code"]
    sentence = SENTENCES.get(code)
    if code == Reason.RIGHTS_ENDED:
        why = [str(RightsEnded(w).label) if w in RightsEnded.values else str(w) for w in data.get("why", [])]
        text = _("; ").join(why) or str(Reason.RIGHTS_ENDED.label)
    elif sentence is not None:
        labels = _status_labels(model)
        values = {key: labels.get(str(value), value) if key in ("old", "new") else value for key, value in data.items()}
        if isinstance(values.get("checkers"), list):
            values["checkers"] = _(", ").join(values["checkers"])
        try:
            text = str(sentence) % values
        except (KeyError, TypeError, ValueError):
            text = str(Reason(code).label)
    else:
        text = str(Reason(code).label)
    note = data.get("note")
    return _("%(reason)s: %(note)s") % {"reason": text, "note": note} if note else text


# The sentences stored before reasons were codes, with their data as named parts
# (`reason` is the note). Matched in English and in Chinese.
LEGACY_SENTENCES: tuple[tuple[str, Any], ...] = (
    (Reason.MOVED, gettext_lazy("%(old)s → %(new)s")),
    (Reason.RETURNED, gettext_lazy("Returned: %(reason)s")),
    (
        Reason.CHANGE_APPLIED,
        gettext_lazy("Change %(number)s requested by %(maker)s, approved by %(checkers)s: %(reason)s"),
    ),
    *((code, sentence) for code, sentence in SENTENCES.items() if code != Reason.MOVED),
)
LEGACY_LANGUAGES = ("en", "zh-hans")
_PART = re.compile(r"%\((\w+)\)s")


def _pattern(sentence: str) -> re.Pattern:
    parts = _PART.split(sentence)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}(?::\\s*(?P<tail>.*))?$", re.DOTALL)


@cache
def _legacy_forms(language: str) -> tuple[dict[str, str], list[tuple[str, re.Pattern]]]:
    """Sentences of old in `language`: the plain labels → code, and the sentences
    with data as patterns."""
    with translation.override(language):
        labels = {str(label): code for code, label in Reason.choices}
        labels |= {str(label): f"{Reason.RIGHTS_ENDED}:{code}" for code, label in RightsEnded.choices}
        return labels, [(code, _pattern(str(sentence))) for code, sentence in LEGACY_SENTENCES]


def _status_codes(model: type[models.Model] | None) -> dict[str, str]:
    codes = {}
    for language in LEGACY_LANGUAGES:
        with translation.override(language):
            codes.update({label: value for value, label in _status_labels(model).items()})
    return codes


def _legacy(text: str, model: type[models.Model] | None) -> dict[str, Any] | None:
    """A sentence stored before reasons were codes, recognised as its code."""
    for language in LEGACY_LANGUAGES:
        labels, patterns = _legacy_forms(language)
        if text in labels:
            code, _sep, why = labels[text].partition(":")
            return {"code": code, "why": [why]} if why else {"code": code}
        for code, pattern in patterns:
            match = pattern.match(text)
            if match is None:
                continue
            data = {key: value for key, value in match.groupdict().items() if value}
            note = data.pop("reason", "") or data.pop("tail", "")
            if code == Reason.MOVED:
                codes = _status_codes(model)
                if data.get("old") not in codes or data.get("new") not in codes:
                    continue
                data["old"], data["new"] = codes[data["old"]], codes[data["new"]]
            return {"code": code, **data, "note": note}
    return None


def reason_text(stored: str | None, *, model: type[models.Model] | None = None) -> str:
    """The reason of one version in the reader's language. `model` (the tracked
    model or its history model) names the statuses of a status move."""
    data = decode(stored)
    if data is None:
        text = (stored or "").strip()
        data = _legacy(text, model) if text else None
        if data is None:
            return text
    return render(data, model=model)


def logged_purpose(purpose: str, detail: Mapping[str, Any] | None) -> str:
    """An access-log entry's purpose in the reader's language: what the actor
    typed as they typed it; where they typed nothing, the label of the reveal's
    basis. Entries of old that stored the basis's label in the actor's language
    show it in the reader's."""
    basis = (detail or {}).get("basis")
    if purpose:
        for language in LEGACY_LANGUAGES:
            with translation.override(language):
                known = {str(label): code for code, label in RevealBasis.choices}
            if purpose in known:
                return str(RevealBasis(known[purpose]).label)
        return purpose
    return str(RevealBasis(basis).label) if basis in RevealBasis.values else ""
