"""Who may import and export, decided in one place (SPEC §2, §5): the pages, the
layout's menu and the list pages' export buttons ask these; `job_for` finds an
import job of its owner or answers 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from bulk.models import ImportJob
from core.visibility import visible_or_404


def may_import(user: User) -> bool:
    """A clerk's role right (no superuser shortcut)."""
    return user.is_authenticated and user.has_role_permission("bulk.add_importjob")


def may_export(user: User) -> bool:
    return user.is_authenticated and user.has_role_permission("bulk.export_records")


def require_import(user: User) -> None:
    if not may_import(user):
        raise PermissionDenied(_("Only clerks import customers."))


def require_export(user: User) -> None:
    if not may_export(user):
        raise PermissionDenied(_("Your role may not export."))


def job_for(user: User, pk) -> ImportJob:
    """An import job of `user`'s own, or a 404 (someone else's and a missing one alike)."""
    return visible_or_404(ImportJob.objects.filter(owner=user).select_related("data_key"), pk)
