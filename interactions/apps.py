from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    """Interactions, complaints and satisfaction surveys (SPEC §3 Interactions)."""

    name = "interactions"
    verbose_name = _("Interactions")
