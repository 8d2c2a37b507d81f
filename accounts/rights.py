"""What a user may do with the system itself (accounts, the admin), decided in
one place; the rights on records are each app's own `rights` module."""

from __future__ import annotations

from accounts.models import User


def may_use_admin(user: User) -> bool:
    """Django's staff flag opens the admin; each model admin then asks its own rights."""
    return user.is_authenticated and user.is_active and user.is_staff
