"""Decisions on reviewed records, for any model: who decided which version how,
and — for a return — what the maker must correct, field by field."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    FIRST_APPROVED = "first_approved", _("First approval")
    RETURNED = "returned", _("Returned")


class ReviewDecision(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(_("version"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    field_reasons = models.JSONField(_("reasons per field"), default=dict, blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="review_decision_object_idx"),
            # The quality report: returns over a date range (a small partial index).
            models.Index(
                fields=["content_type", "at", "object_id"],
                condition=models.Q(decision="returned"),
                name="review_returns_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} v{self.version} {self.decision}"
