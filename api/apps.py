from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API other systems use (issue 21): tokens per system, the same scopes and
    masks, writes through review."""

    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from accounts.services import rights_ender_register
        from api.services import tokens_end_for_user

        # A system account whose rights end, or a manager disabled, moved or out of
        # the role: their tokens are revoked in the same transaction.
        rights_ender_register("api_tokens", tokens_end_for_user)
