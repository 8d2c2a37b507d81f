"""Who reads the manager reports, and of which departments, decided in one place:
the admin's menu, the report pages and their exports ask these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Department, User


def company_wide(user: User) -> bool:
    return user.has_role_permission("reports.view_company_reports")


def may_see_reports(user: User) -> bool:
    if not user.is_authenticated:
        return False  # the admin's log-in page lists apps for visitors too
    return company_wide(user) or (
        user.department_id is not None and user.has_role_permission("customers.view_department_customers")
    )


def require_reports(user: User) -> None:
    if not may_see_reports(user):
        raise PermissionDenied


def report_departments(user: User) -> QuerySet[Department]:
    """Every department for a holder of the company-wide right, else the user's own."""
    return Department.objects.all() if company_wide(user) else Department.objects.filter(pk=user.department_id)


# --- Scorecards (issue 20 item 5): the person and their manager only -----------
SCORED = ("customers.add_customer", "customers.review_customer")  # clerks and reviewers have one
MANAGES = "reports.view_department_scorecards"  # managers (a security officer sees no one's work)


def is_scored(user: User) -> bool:
    return user.is_authenticated and any(user.has_role_permission(perm) for perm in SCORED)


def manages_department(user: User) -> bool:
    return user.is_authenticated and user.department_id is not None and user.has_role_permission(MANAGES)


def may_see_scorecard(viewer: User, person: User) -> bool:
    """Their own (a clerk or reviewer), or a manager's of their department — not
    another clerk's, not another department's manager's, not a superuser's
    without the role (the company-wide report right does not reach scorecards)."""
    if viewer.pk == person.pk:
        return is_scored(viewer)
    return manages_department(viewer) and viewer.department_id == person.department_id


def may_see_department_scorecards(viewer: User) -> bool:
    return manages_department(viewer)
