"""Reads of API tokens that depend on who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from api import rights
from api.models import ApiToken

MY_WORK_ROWS = 5


def tokens_of_department(*, user: User) -> QuerySet[ApiToken]:
    """The manager's department's tokens, newest first, with who made and revoked them."""
    return rights.tokens_visible_to(user).select_related("created_by", "revoked_by").order_by("-created_at", "-id")


def my_work(*, user: User) -> dict:
    """For a manager's "my work": the department's live tokens that expire first
    (capped), and how many are live. Two queries, whatever the number of tokens."""
    if not rights.may_manage_tokens(user):
        return {"api_tokens_expiring": [], "api_tokens_live": 0, "api_may_manage": False}
    live = ApiToken.objects.live().filter(department_id=user.department_id)
    return {
        "api_tokens_expiring": list(live.order_by("expires_at", "id")[:MY_WORK_ROWS]),
        "api_tokens_live": live.count(),
        "api_may_manage": True,
    }
