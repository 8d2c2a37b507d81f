"""The manager reports as a section of the admin (`/admin/reports/`)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_site import AdminSection
from reports import rights, views

admin.site.add_section(
    AdminSection(
        app_label="reports",
        title=_("Reports"),
        routes=(
            ("reports/", views.index, "reports_index"),
            ("reports/<slug:name>/", views.report, "report"),
        ),
        index="reports_index",
        page="report",
        pages=views.REPORTS,
        visible=rights.may_see_reports,
    )
)
