"""The security officer's watch (issue 18 items 3-4): incidents and their breach
notices, account locks, and misuse alerts raised by the sweep.

Nothing here stores a personal value: an incident names an account and a window,
an alert holds counts, a lock holds the officer's reason and what ended (counts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _staff(verbose_name, *, null: bool = False, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related_name,
    )


def _department():
    return models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Being investigated")
    CONTAINED = "contained", _("Contained")
    NOTIFIED = "notified", _("Notified")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """A suspected leak or misuse by one account in one window (PIPL art. 57)."""

    account = _staff(_("account"))
    # The account's department when opened: the scope of who sees the incident.
    department = _department()
    since = models.DateTimeField(_("from"))
    until = models.DateTimeField(_("until"))
    description = models.TextField(_("what happened"), max_length=4000)
    measures = models.TextField(_("measures taken"), max_length=4000, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    opened_by = _staff(_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["department", "-opened_at"], name="incident_department_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(since__lt=F("until")), name="incident_window_forward"),
        ]

    def __str__(self) -> str:
        return f"SJ{self.pk:06d}" if self.pk else "SJ-new"

    @property
    def number(self) -> str:
        return str(self)


class AccountLock(models.Model):
    """One lock of an account by a security officer: why, and what ended with it."""

    account = _staff(_("account"), related_name="watch_locks")
    locked_by = _staff(_("locked by"))
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500)
    # What ended, as counts by what held it ({"grants": 2, "tokens": 1, ...}): never a value.
    ended = models.JSONField(_("what ended"), default=dict, blank=True)
    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, null=True, blank=True, related_name="locks"
    )

    class Meta:
        verbose_name = _("account lock")
        verbose_name_plural = _("account locks")
        ordering = ["-locked_at", "-id"]
        permissions = [("lock_account", _("Lock an account of the department: end its sessions, grants and tokens"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(account=F("locked_by")),
                name="accountlock_not_oneself",
                violation_error_message=_("Nobody can lock their own account."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.locked_at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    """What an alert counts: the access log's action of the same code."""

    REVEAL = "reveal", _("Reveals")
    LOOKUP = "lookup", _("Exact lookups")
    EXPORT = "export", _("Exports")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Alert(models.Model):
    """An unusual burst of one kind of access by one account on one day, with its
    evidence: the day's count against the account's and the department's usual
    daily rate (medians over the days before). One per account, kind and day."""

    account = _staff(_("account"), related_name="watch_alerts")
    department = _department()
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("count"))
    own_median = models.FloatField(_("the account's usual daily count"))
    department_median = models.FloatField(_("the department's usual daily count"))
    baseline_days = models.PositiveSmallIntegerField(_("days compared"))
    # The figures the rule weighed ({"rows": ..., "threshold": ..., "factor": ...}).
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = _staff(_("acknowledged by"), null=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("misuse alert")
        verbose_name_plural = _("misuse alerts")
        ordering = ["-day", "-count", "-id"]
        indexes = [models.Index(fields=["department", "status", "-day"], name="alert_queue_idx")]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "day"], name="alert_once_per_account_kind_day"),
            models.CheckConstraint(
                condition=Q(status="open", acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | Q(status="acknowledged", acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="alert_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account_id} {self.day}"
