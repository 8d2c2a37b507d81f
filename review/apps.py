from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The maker-checker mechanism every reviewed model plugs into (SPEC §4)."""

    name = "review"
    verbose_name = _("Review")
