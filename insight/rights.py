"""Who may see the department's value overview and refresh the snapshot: the
department's managers (a role permission, no superuser shortcut). A customer's
own scores are S1 figures: whoever may open the customer sees them."""

from __future__ import annotations

from accounts.models import User


def may_view_overview(user: User) -> bool:
    return (
        user.is_authenticated and user.department_id is not None and user.has_role_permission("insight.view_snapshot")
    )


def may_refresh(user: User) -> bool:
    return (
        user.is_authenticated and user.department_id is not None and user.has_role_permission("insight.refresh_scores")
    )
