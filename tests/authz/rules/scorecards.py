"""Scorecards (issue 20 item 5): a clerk's or reviewer's own, and their manager's
view of the department; nobody else — not another clerk, not another
department's manager, not the security officer, not a superuser without a role."""

from __future__ import annotations

from tests.authz.matrix import CLERK, MANAGER, NONE, OTHER_CLERK, OTHER_MANAGER, REVIEWER, Case, only

MANAGERS = (MANAGER, OTHER_MANAGER)

CASES = [
    Case("reports:scorecards", get=only(MANAGERS, 200, 403), post=405),
    Case(
        "reports:scorecards",
        label="export",
        target=lambda s: {"?": {"export": "csv", "month": "2026-09"}},
        scopes=(NONE,),
        get=only(MANAGERS, 200, 403),
        post=405,
    ),
    Case("reports:scorecard_mine", get=only((CLERK, OTHER_CLERK, REVIEWER, *MANAGERS), 302, 403), post=405),
    # The side's clerk: seen by that clerk and the side's manager.
    Case("reports:scorecard", target=lambda s: {"pk": s.clerk.pk}, get=only((CLERK, *MANAGERS), 200, 404), post=405),
    Case(
        "reports:scorecard",
        label="reviewer",
        target=lambda s: {"pk": s.reviewer.pk},
        get=only((REVIEWER, *MANAGERS), 200, 404),
        post=405,
    ),
]
