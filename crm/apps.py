from django.contrib.admin.apps import AdminConfig


class CustodianAdminConfig(AdminConfig):
    default_site = "crm.admin_site.CustodianAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        from crm.admin_site import tidy_third_party_admins

        tidy_third_party_admins(admin.site)
