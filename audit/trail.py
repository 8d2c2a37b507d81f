"""The change trail of any model tracked by django-simple-history, as field-level
differences between consecutive versions.

Encrypted fields are compared through their blind index and reported as
"changed" without a value; fields the viewer may only see masked are masked.
One mechanism for every tracked model: pass the model's rules in. Reasons are
stored as codes (audit/reasons.py) and put into words here, in the reader's
language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.reasons import reason_text
from vault.fields import BlindIndexField, EncryptedTextField

SKIPPED = {"id", "uid", "data_key", "updated_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str
    secret: bool = False


@dataclass
class TrailEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


KIND_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _diffable_fields(model: type[models.Model]) -> list[models.Field]:
    # Fields the history leaves out (`excluded_fields`, e.g. derived match keys) have no versions to compare.
    history = getattr(model, "history", None)
    kept = {f.name for f in history.model._meta.concrete_fields} if history is not None else None
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and not isinstance(f, BlindIndexField) and (kept is None or f.name in kept)
    ]


def trail_entries(
    records: Sequence[models.Model],
    *,
    model: type[models.Model],
    show: Callable[[str, object], str],
) -> list[TrailEntry]:
    """`records` of one object, newest first (one page of them); each is compared
    with the next older one. `show(field_name, value)` renders a value as the
    viewer may see it (masked or not)."""
    pairs = [(record, records[i + 1] if i + 1 < len(records) else None) for i, record in enumerate(records)]
    return trail_entries_for_pairs(pairs, model=model, show=show)


def trail_entries_for_pairs(
    pairs: Sequence[tuple[models.Model, models.Model | None]],
    *,
    model: type[models.Model],
    show: Callable[[str, object], str],
) -> list[TrailEntry]:
    """Each (version, previous version of the same object or None) as one entry."""
    fields = _diffable_fields(model)
    return [_entry(record, older, fields, show) for record, older in pairs]


def _entry(record, older, fields, show) -> TrailEntry:
    entry = TrailEntry(
        when=record.history_date,
        who=str(record.history_user) if record.history_user_id else str(_("system")),
        kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
        reason=reason_text(record.history_change_reason, model=type(record)),
    )
    for f in fields:
        label = capfirst(f.verbose_name)
        if isinstance(f, EncryptedTextField):
            new_index = getattr(record, f"{f.name}_index")
            old_index = getattr(older, f"{f.name}_index") if older else ""
            if new_index != old_index:
                entry.changes.append(Change(label, "", "", secret=True))
            continue
        new = getattr(record, f.attname)
        old = getattr(older, f.attname) if older else None
        if new == old or (older is None and new in (None, "")):
            continue
        if f.is_relation:
            new_shown = str(getattr(record, f.name)) if new is not None else ""
            old_shown = str(getattr(older, f.name)) if old is not None else ""
        else:
            new_shown, old_shown = show(f.name, new), show(f.name, old) if older else ""
        entry.changes.append(Change(label, old_shown, new_shown))
    return entry
