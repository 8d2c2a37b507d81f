from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Call and campaign lists (issue 20 item 6): saved filters giving masked, logged lists."""

    name = "campaigns"
    verbose_name = _("Campaigns")
