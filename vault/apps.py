from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaultConfig(AppConfig):
    name = "vault"
    verbose_name = _("Field encryption keys")

    def ready(self) -> None:
        # Parse and check the master keys at start-up: a malformed key stops the
        # process here, not at the first reveal.
        from vault import keys, signals  # noqa: F401 — signals: a deleted key loses its share

        keys.keyring()
