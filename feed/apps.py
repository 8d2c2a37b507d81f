from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    """The change feed (issue 21 item 4): what changed, in commit order, for downstream systems."""

    name = "feed"
    verbose_name = _("Change feed")
