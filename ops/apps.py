from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations (issue 18): encrypted backups, restore, health."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from bulk.worker import worker_companion_register
        from ops.health import heartbeat

        # The background worker writes its heartbeat while it runs (/healthz reads it).
        worker_companion_register("heartbeat", heartbeat)
