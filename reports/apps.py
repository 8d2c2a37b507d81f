from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports in the admin (issue 9)."""

    name = "reports"
    verbose_name = _("Reports")
