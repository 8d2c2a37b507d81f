from django.contrib.admin.apps import AdminConfig


class CustodianAdminConfig(AdminConfig):
    default_site = "crm.admin_site.CustodianAdminSite"
