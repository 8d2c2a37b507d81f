from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Keeping in touch (issue 20 items 3-4): greetings, the satisfaction programme."""

    name = "outreach"
    verbose_name = _("Outreach")
