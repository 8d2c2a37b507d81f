"""Customer value and completeness (issue 20 items 1-2): the department's
managers see the overview and may queue a refresh; nobody else (a superuser has
no role, so no right). A customer's own scores are on the customer page, whose
rules (pages.py) already say who sees it."""

from __future__ import annotations

from tests.authz.matrix import MANAGER, OTHER_MANAGER, Case, only, post_only

MANAGERS = (MANAGER, OTHER_MANAGER)

CASES = [
    Case("insight:overview", get=only(MANAGERS, 200, 403), post=405),
    # Allowed: the refresh is queued for the background worker (a task row, no
    # business row yet) and the manager is sent back to the overview.
    post_only("insight:refresh", post=only(MANAGERS, 302, 403)),
]
