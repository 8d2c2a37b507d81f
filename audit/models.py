"""The access log (SPEC §3 Audit): append-only and hash-chained.

Each entry stores the hash of the one before it, so changing, removing or
reordering any entry breaks the chain from that point; `verify_audit_log` finds
the first bad entry. The hash is keyed (HMAC under `CRM_AUDIT_KEY`, audit/chain.py),
so a chain cannot be recomputed without the key, and checkpoints of the head kept
outside the database reveal a log cut short. The database itself refuses UPDATE,
DELETE and TRUNCATE (triggers, audit/triggers.py). No sensitive value is ever
written here."""

from __future__ import annotations

import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AccessLog(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Logged out")
        REVEAL = "reveal", _("Revealed a value")
        REVEAL_REFUSED = "reveal_refused", _("Reveal refused")
        EXPORT = "export", _("Exported")
        GRANT_REQUESTED = "grant_requested", _("Asked for access")
        GRANT_APPROVED = "grant_approved", _("Approved access")
        GRANT_REFUSED = "grant_refused", _("Refused access")
        GRANT_REVOKED = "grant_revoked", _("Revoked access")
        LOOKUP = "lookup", _("Looked up by ID or bank number")
        LOOKUP_REFUSED = "lookup_refused", _("Lookup refused (hourly budget spent)")
        RIGHTS_ENDED = "rights_ended", _("Rights ended (role, department or account changed)")
        # The REST API (issue 21): each call, and each token made or revoked.
        API_CALL = "api_call", _("API call")
        API_TOKEN = "api_token", _("API token created or revoked")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    # A plain id, not a foreign key: destroying a customer never touches the log.
    customer_id = models.PositiveBigIntegerField(_("customer"), null=True, blank=True)
    customer_archive_no = models.CharField(_("archive number"), max_length=20, blank=True)
    field = models.CharField(_("field"), max_length=50, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["actor_name", "-at"], name="accesslog_actor_idx"),
            models.Index(fields=["customer_archive_no", "-at"], name="accesslog_customer_idx"),
            models.Index(fields=["action", "-at"], name="accesslog_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.actor_name}"

    def canonical(self) -> str:
        """Every column but the hash, in one fixed spelling."""
        at = self.at.astimezone(UTC) if timezone.is_aware(self.at) else self.at
        return json.dumps(
            {
                "id": self.id,
                "at": at.isoformat(timespec="microseconds"),
                "actor": self.actor_id,
                "actor_name": self.actor_name,
                "action": self.action,
                "customer_id": self.customer_id,
                "customer_archive_no": self.customer_archive_no,
                "field": self.field,
                "purpose": self.purpose,
                "address": self.address,
                "detail": self.detail,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def compute_hash(self, *, keyed: bool = True) -> str:
        from audit.chain import keyed_hash, plain_hash

        return keyed_hash(self.canonical()) if keyed else plain_hash(self.canonical())


class AccessLogHead(models.Model):
    """The chain's end: one row, locked by every append so two writers never
    chain onto the same entry."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)
    # Entries from this number on are keyed (HMAC); earlier ones were written before
    # the chain had a key. 1 for every log begun since.
    keyed_since = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.count} entries, last #{self.last_id}"


class AuditVerification(models.Model):
    """One run of the chain check, shown to the security officer."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("run by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    ok = models.BooleanField(_("intact"))
    checked = models.BigIntegerField(_("entries checked"))
    first_bad_id = models.BigIntegerField(_("first bad entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.first_bad_id}"
