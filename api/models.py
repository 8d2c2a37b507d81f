"""Tokens per system (issue 21 item 2).

A manager creates a token for a named system; the token acts through a system
account of its own (a `User` with no usable password, in the manager's department
and in the role the token was given), so every rights module decides for it as it
does for a person, and that account is the maker of what the system enters.

Only a digest of the secret is stored: sha256 of a 256-bit random token (a
high-entropy secret needs no slow hash). The token's prefix, shown in lists and
logs, finds the row; the digest is then compared in constant time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenRole(models.TextChoices):
    """The rights a token's system account gets."""

    ENTER = "enter", _("Enter records (as a clerk)")
    READER = "reader", _("Read the department's records (masked)")


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    system_name = models.CharField(_("system"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    role = models.CharField(_("rights"), max_length=10, choices=TokenRole.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("system account"),
        on_delete=models.PROTECT,
        related_name="api_token",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        permissions = [("manage_tokens", _("Create and revoke the department's API tokens"))]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after"),
            models.CheckConstraint(condition=~Q(account=models.F("created_by")), name="apitoken_account_not_creator"),
        ]
        indexes = [models.Index(fields=["department", "-created_at"], name="apitoken_department_idx")]

    def __str__(self) -> str:
        return f"{self.system_name} ({self.prefix})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
