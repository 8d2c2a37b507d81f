from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """No table: the holder of the right to see every department's figures."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_company_reports", _("See the reports of every department"))]

    def __str__(self) -> str:
        return "reports"
