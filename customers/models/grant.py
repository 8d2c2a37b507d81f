"""Access grants (SPEC §2): the right of one user to reveal the S3 values of one
customer, for a written purpose and a limited time."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

DEFAULT_GRANT_HOURS = 24
MAX_GRANT_HOURS = 7 * 24


class GrantStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("grant", "Requested")
    APPROVED = "approved", pgettext_lazy("grant", "Approved")
    REFUSED = "refused", pgettext_lazy("grant", "Refused")
    REVOKED = "revoked", pgettext_lazy("grant", "Revoked")


class AccessGrantQuerySet(models.QuerySet):
    def live(self) -> AccessGrantQuerySet:
        """Approved and not yet expired: a grant ends by itself."""
        return self.filter(status=GrantStatus.APPROVED, expires_at__gt=timezone.now())


class AccessGrant(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="grants"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.PROTECT, related_name="access_grants"
    )
    purpose = models.TextField(_("purpose"))
    hours = models.PositiveSmallIntegerField(
        _("hours"),
        default=DEFAULT_GRANT_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GRANT_HOURS)],
        help_text=_("How long the right lasts once approved (at most a week)."),
    )
    status = models.CharField(_("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-requested_at"]
        permissions = [
            ("request_grant", _("Ask for the right to reveal a customer's ID and bank numbers")),
            ("approve_grant", _("Approve or refuse requests of the department")),
        ]
        indexes = [
            models.Index(fields=["grantee", "customer", "status", "expires_at"], name="grant_live_idx"),
            models.Index(fields=["status", "requested_at"], name="grant_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("grantee")),
                name="grant_not_self_approved",
                violation_error_message=_("Nobody decides their own request."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.grantee_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status == GrantStatus.APPROVED and self.expires_at is not None and self.expires_at > timezone.now()
