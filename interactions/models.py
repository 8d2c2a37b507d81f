"""Interactions, complaints and satisfaction surveys (SPEC §3 Interactions).

Interactions and surveys are recorded by staff directly (no review); complaints
follow their own state machine with a deadline set by severity. Every row is
visible to whoever may see its customer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import Numbered
from customers import validators as v

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    VISIT = "visit", pgettext_lazy("channel", "Visit")
    MEETING = "meeting", _("Meeting")
    ONLINE = "online", _("Online")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")


class InteractionKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    VISIT = "visit", pgettext_lazy("interaction kind", "Visit")
    GREETING = "greeting", _("Greeting")
    AFTER_SALES = "after_sales", _("After-sales")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


def _not_in_future(value: datetime | None, errors: dict, field: str) -> None:
    if value and value > timezone.now():
        errors[field] = _("This cannot be in the future: enter when it happened.")


class Interaction(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="interactions"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    kind = models.CharField(pgettext_lazy("interaction", "kind"), max_length=20, choices=InteractionKind.choices)
    summary = models.CharField(_("summary"), max_length=200)
    content = models.TextField(_("what was said"), blank=True, max_length=5000)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    follow_up_at = models.DateTimeField(_("follow up at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        permissions = [("close_follow_ups", _("Mark any follow-up of the department done"))]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_idx"),
            models.Index(
                fields=["handler", "follow_up_at"],
                name="interaction_follow_up_idx",
                condition=Q(follow_up_at__isnull=False, followed_up_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.summary

    def clean(self) -> None:
        self.summary = v.normalize_text(self.summary)
        self.content = (self.content or "").strip()
        errors: dict = {}
        _not_in_future(self.occurred_at, errors, "occurred_at")
        if self.follow_up_at and self.occurred_at and self.follow_up_at < self.occurred_at:
            errors["follow_up_at"] = _("A follow-up comes after the contact.")
        if errors:
            raise ValidationError(errors)


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Category(models.TextChoices):
    PRODUCT = "product", _("Product quality")
    SERVICE = "service", _("Service attitude")
    BILLING = "billing", _("Billing and charges")
    DELIVERY = "delivery", _("Delivery")
    PRIVACY = "privacy", _("Personal information")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint", "Open")
    INVESTIGATING = "investigating", _("Investigating")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# What a button that moves a complaint there says: a verb, not the state it leads to.
COMPLAINT_MOVE_VERBS = {
    ComplaintStatus.OPEN: _("Reopen"),
    ComplaintStatus.INVESTIGATING: _("Start investigating"),
    ComplaintStatus.RESOLVED: _("Mark as resolved"),
    ComplaintStatus.CLOSED: _("Close the complaint"),
}

# SPEC §3: open → investigating → resolved → closed; reopen (to open) from resolved or closed.
COMPLAINT_MOVES: dict[str, tuple[str, ...]] = {
    ComplaintStatus.OPEN: (ComplaintStatus.INVESTIGATING,),
    ComplaintStatus.INVESTIGATING: (ComplaintStatus.RESOLVED,),
    ComplaintStatus.RESOLVED: (ComplaintStatus.CLOSED, ComplaintStatus.OPEN),
    ComplaintStatus.CLOSED: (ComplaintStatus.OPEN,),
}
UNRESOLVED = (ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING)


def due_for(severity: str, start: datetime) -> datetime:
    """The deadline of a complaint of `severity` received (or reopened) at `start`."""
    return start + timedelta(hours=settings.CRM_COMPLAINT_SLA_HOURS[severity])


class Complaint(Numbered):
    PREFIX = "TS"

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, default=Severity.NORMAL)
    content = models.TextField(_("complaint"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN, editable=False
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due at"), editable=False)
    resolution = models.TextField(_("resolution"), blank=True, max_length=5000)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True, validators=SCORE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    # Each move is a history row: who (history_user), when, and why (the reason).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["due_at", "id"]
        permissions = [("assign_complaint", _("Hand the department's complaints to another handler"))]
        indexes = [
            models.Index(
                fields=["department", "due_at"],
                name="complaint_queue_idx",
                condition=Q(status__in=["open", "investigating"]),
            ),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer_idx"),
            models.Index(fields=["department", "resolved_at"], name="complaint_dept_resolved_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | ~Q(resolution=""),
                name="complaint_resolved_has_resolution",
                violation_error_message=_("A resolved complaint says how it was resolved."),
            ),
        ]

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status in UNRESOLVED and self.due_at < (now or timezone.now())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return COMPLAINT_MOVES[self.status]

    def clean(self) -> None:
        self.content = (self.content or "").strip()
        self.resolution = (self.resolution or "").strip()
        errors: dict = {}
        _not_in_future(self.received_at, errors, "received_at")
        if errors:
            raise ValidationError(errors)


class Feedback(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="surveys"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    surveyed_at = models.DateTimeField(_("surveyed at"))
    service_quality = models.PositiveSmallIntegerField(_("service quality"), validators=SCORE)
    price = models.PositiveSmallIntegerField(_("price"), validators=SCORE)
    overall = models.PositiveSmallIntegerField(_("overall"), validators=SCORE)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-surveyed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-surveyed_at"], name="feedback_customer_idx"),
            models.Index(fields=["department", "surveyed_at"], name="feedback_dept_surveyed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_quality__gte=1, service_quality__lte=5)
                & Q(price__gte=1, price__lte=5)
                & Q(overall__gte=1, overall__lte=5),
                name="feedback_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.surveyed_at:%Y-%m-%d} {self.overall}/5"

    def clean(self) -> None:
        self.comment = (self.comment or "").strip()
        errors: dict = {}
        _not_in_future(self.surveyed_at, errors, "surveyed_at")
        if errors:
            raise ValidationError(errors)
