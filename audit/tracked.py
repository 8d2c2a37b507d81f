"""The one way a service saves a record that keeps a change trail
(django-simple-history): validated, with the acting user and a reason code.

Every tracked save in the services goes through `tracked_save`, so each version
in a trail names who made it and why, as data (audit/reasons.py) that is put into
words in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from audit.reasons import Reason, encode


def tracked_save(
    obj: models.Model,
    *,
    actor: Any,
    reason: Reason | str,
    note: str = "",
    data: dict[str, Any] | None = None,
    update_fields: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    validate_unique: bool = True,
    validate_constraints: bool = True,
    also_check: Callable[[Any], None] | None = None,
) -> models.Model:
    """`full_clean()` and save `obj` in the caller's transaction, its new version
    carrying `actor` and the reason (`reason`: a code; `data`: what the reason's
    sentence names, never an S2 or S3 value; `note`: free text the actor typed).

    With `update_fields`, only those fields are validated (and `clean()`) and
    saved. `exclude`, `validate_unique` and `validate_constraints` narrow the
    validation where the caller has checked the rest itself (and says why);
    `also_check(obj)` runs after `full_clean()`, before the save, for a rule that
    reads other rows."""
    fields = list(update_fields) if update_fields is not None else None
    skipped = set(exclude)
    if fields is not None:
        names = set(fields)
        skipped |= {f.name for f in obj._meta.concrete_fields if f.name not in names and f.attname not in names}
    obj.full_clean(
        exclude=sorted(skipped) or None,
        validate_unique=validate_unique,
        validate_constraints=validate_constraints,
    )
    if also_check is not None:
        also_check(obj)
    obj._history_user = actor
    obj._change_reason = encode(reason, note=note, **(data or {}))
    obj.save(update_fields=fields)
    return obj
