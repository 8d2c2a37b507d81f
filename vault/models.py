import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """One subject's (a customer's) own AES-256 key, stored wrapped by a master key.

    Deliberately without change history: deleting the row is crypto-shredding —
    every copy of the subject's encrypted values, history rows and backups taken
    after the deletion included, becomes unreadable.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    master_key_id = models.CharField(_("master key id"), max_length=32, db_index=True)
    wrapped = models.BinaryField(_("wrapped key"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rewrapped_at = models.DateTimeField(_("re-wrapped"), null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"{self.id} ({self.master_key_id})"
