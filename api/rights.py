"""Who may do what with API tokens, decided in one place."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from api.models import ApiToken
from core.visibility import visible_or_404

MANAGE_TOKENS = "api.manage_tokens"


def may_manage_tokens(user: User) -> bool:
    """A manager of a department (a role right, no superuser shortcut), active.

    No query asks whether the user is a system account: a system account is in
    the clerk's or the reader's group, never the manager's (if someone puts it
    there, the role change ends its token, `api_tokens` ender), and with no usable
    password it never has the session these pages need."""
    return (
        user.is_authenticated
        and user.is_active
        and user.department_id is not None
        and user.has_role_permission(MANAGE_TOKENS)
    )


def may_manage(user: User, token: ApiToken) -> bool:
    return may_manage_tokens(user) and token.department_id == user.department_id


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    if not may_manage_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(department_id=user.department_id)


def token_for(user: User, pk) -> ApiToken:
    """One token of the manager's department, or a 404."""
    return visible_or_404(tokens_visible_to(user).select_related("created_by", "revoked_by"), pk)
