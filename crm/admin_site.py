"""The admin site, with the manager reports (`/admin/reports/`) in its navigation."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _


class CustodianAdminSite(admin.AdminSite):
    site_header = _("Custodian administration")
    site_title = _("Custodian")
    index_title = _("Administration")

    def get_urls(self):
        from reports import views

        extra = [
            path("reports/", self.admin_view(views.index), name="reports_index"),
            path("reports/<slug:name>/", self.admin_view(views.report), name="report"),
        ]
        return extra + super().get_urls()

    def get_app_list(self, request, app_label=None):
        from reports.views import REPORTS, may_see_reports

        apps = super().get_app_list(request, app_label)
        if app_label in (None, "reports") and may_see_reports(request.user):
            apps.insert(
                0,
                {
                    "name": str(_("Reports")),
                    "app_label": "reports",
                    "app_url": reverse("admin:reports_index"),
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": str(title),
                            "object_name": name,
                            "admin_url": reverse("admin:report", args=[name]),
                            "add_url": None,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                        for name, title in REPORTS.items()
                    ],
                },
            )
        return apps
