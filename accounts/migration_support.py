"""Kept for migrations that import it from here: the helper lives in
`core.migration_support` (the bottom layer), where every app's migrations may
import it."""

from core.migration_support import grant_role_permissions

__all__ = ["grant_role_permissions"]
