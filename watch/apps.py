from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    """The security officer's watch (issue 18 items 3-4): incident response, misuse alerts, account lock."""

    name = "watch"
    verbose_name = _("Security watch")
