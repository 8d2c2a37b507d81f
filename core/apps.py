from django.contrib.admin.apps import AdminConfig


class CustodianAdminConfig(AdminConfig):
    """The admin, on Custodian's own site class; third-party admins tidied once every app's admin is loaded."""

    default_site = "core.admin_site.CustodianAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        from core.admin_site import tidy_third_party_admins

        tidy_third_party_admins(admin.site)
