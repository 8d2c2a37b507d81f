"""Who keeps saved filters and opens call and campaign lists, decided in one place.

Managers and clerks: a manager's list covers the department's customers, a
clerk's the customers they entered or own (`customers_visible_to` draws that
line, as for every page). Reviewers and security officers do not run campaigns;
a superuser without a role is no role. A saved filter is its owner's alone."""

from __future__ import annotations

from accounts.models import User

USE = "campaigns.add_savedfilter"


def may_use_campaigns(user: User) -> bool:
    return user.is_authenticated and user.has_role_permission(USE)
