from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API other systems use (issue 21): tokens per system, the same scopes and
    masks, writes through review."""

    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from django.db.models import Q

        from accounts.services import rights_ender_register
        from api.services import tokens_end_for_user
        from customers.selectors import not_a_person_register

        # A system account whose rights end, or a manager disabled, moved or out of
        # the role: their tokens are revoked in the same transaction.
        rights_ender_register("api_tokens", tokens_end_for_user)
        # A token's system account is a clerk by its rights, but no person: it is
        # never offered as a record's owner or a complaint's handler.
        not_a_person_register(Q(api_token__isnull=False))
