"""Who reads the access log and the change trail, and how far (SPEC §2: the
security officer, of their department; company-wide only through an explicit
right), decided in one place. The pages, the admin and the selectors ask these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

if TYPE_CHECKING:  # audit sits below accounts: the user type is for reading only
    from accounts.models import User


def reads_audit(user: User) -> bool:
    """The access log and the change trail are the security officer's (a role
    right; superusers get no shortcut)."""
    return user.is_authenticated and user.has_role_permission("audit.view_accesslog")


def require_reads_audit(user: User) -> None:
    """Anyone else gets the same 404 as for a page that does not exist."""
    if not reads_audit(user):
        raise Http404


def department_scope(user: User | None) -> int | None:
    """The department whose log and trail `user` reads, or None for the whole
    company (`accounts.view_company_log`, a role right like every other)."""
    if user is None or user.has_role_permission("accounts.view_company_log"):
        return None
    return user.department_id or 0
