"""Every write of the campaigns app: saving and deleting one's filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns import rights
from campaigns.models import SavedFilter


@transaction.atomic
def saved_filter_create(*, actor: User, fields: Mapping[str, Any]) -> SavedFilter:
    if not rights.may_use_campaigns(actor) or actor.department_id is None:
        raise PermissionDenied(_("Call and campaign lists are for managers and clerks."))
    saved = SavedFilter(**fields, owner=actor, department_id=actor.department_id)
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: User, saved: SavedFilter) -> None:
    if saved.owner_id != actor.pk:
        raise PermissionDenied(_("A saved filter is deleted by whoever saved it."))
    saved.delete()
