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
