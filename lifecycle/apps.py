from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """The record's life after approval (issue 17): legal holds, destruction by
    crypto-shredding, archive, re-verification, sampling, the customer's requests."""

    name = "lifecycle"
    verbose_name = _("Record lifecycle")

    def ready(self) -> None:
        from interactions.services import no_marketing_register
        from lifecycle import review  # noqa: F401 - registers archive requests with review
        from lifecycle.selectors import consent_withdrawn

        no_marketing_register(consent_withdrawn)
