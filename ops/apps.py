from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations (issue 18): encrypted backups, restore, health."""

    name = "ops"
    verbose_name = _("Operations")
