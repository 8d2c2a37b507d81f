from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life (`manage.py db_worker`): a row per worker
    process, written when it starts and every `CRM_WORKER_HEARTBEAT_SECONDS` while
    it runs, deleted when it stops. /healthz reports the worker alive while one
    row is fresher than `CRM_WORKER_STALE_SECONDS`: a killed worker stops beating."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)  # host:pid:start
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last beat at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        constraints = [
            models.CheckConstraint(condition=Q(beat_at__gte=F("started_at")), name="ops_heartbeat_after_start"),
            models.CheckConstraint(condition=~Q(worker_id=""), name="ops_heartbeat_worker_named"),
        ]

    def __str__(self) -> str:
        return self.worker_id
