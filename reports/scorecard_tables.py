"""Scorecards as the two tables a page shows and an export writes: the work as a
clerk and the work as a reviewer, one row per person (or month)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.queries import Table
from reports.scorecards import Card


def _rate(share: float | None) -> str:
    return f"{share:.0%}" if share is not None else "—"


def _hours(value: float | None):
    return value if value is not None else "—"


def tables(rows: list[tuple[str, Card]], first: str) -> list[Table]:
    entry = Table(
        _("As clerk: entries, returns, second checks, timeliness"),
        [
            first,
            _("Entries"),
            _("Decisions on them"),
            _("Returned"),
            _("Return rate"),
            _("Second checks"),
            _("Found wrong"),
            _("Error rate"),
            _("Submission to decision, median (h)"),
            _("Submission to decision, 90th percentile (h)"),
            _("Contact to entry, median (h)"),
            _("Contact to entry, 90th percentile (h)"),
        ],
    )
    review = Table(
        _("As reviewer: decisions, second checks, timeliness"),
        [
            first,
            _("Decisions"),
            _("Returned"),
            _("Return rate"),
            _("Second checks"),
            _("Found wrong"),
            _("Error rate"),
            _("Submission to decision, median (h)"),
            _("Submission to decision, 90th percentile (h)"),
        ],
    )
    for label, c in rows:
        entry.rows.append(
            [
                label,
                c.entries,
                c.decisions_on_entries,
                c.returned_entries,
                _rate(c.return_rate),
                c.sampled,
                c.sampled_wrong,
                _rate(c.error_rate),
                _hours(c.wait_median_hours),
                _hours(c.wait_p90_hours),
                _hours(c.contact_median_hours),
                _hours(c.contact_p90_hours),
            ]
        )
        review.rows.append(
            [
                label,
                c.decisions,
                c.returns_made,
                _rate(c.reviewer_return_rate),
                c.checked_sampled,
                c.checked_wrong,
                _rate(c.checker_error_rate),
                _hours(c.decide_median_hours),
                _hours(c.decide_p90_hours),
            ]
        )
    return [entry, review]
