from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Knowing the customer (issue 20 items 1-2): value, potential, loyalty, completeness."""

    name = "insight"
    verbose_name = _("Customer insight")

    def ready(self) -> None:
        # The customer list's filters, sorts and columns (customers knows no insight).
        from insight.listing import register

        register()
