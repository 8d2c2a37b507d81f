from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Knowing the customer (issue 20 items 1-2): value, potential, loyalty, completeness."""

    name = "insight"
    verbose_name = _("Customer insight")
