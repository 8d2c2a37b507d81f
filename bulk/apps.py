from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkConfig(AppConfig):
    """Bulk entry (spreadsheet import through review) and masked exports."""

    name = "bulk"
    verbose_name = _("Import and export")
