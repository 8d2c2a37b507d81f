from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API other systems use (issue 21): tokens per system, the same scopes and
    masks, writes through review."""

    name = "api"
    verbose_name = _("API")
