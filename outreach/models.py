"""Greetings sent and the satisfaction programme (issue 20 items 3-4).

A greeting is a contact of kind greeting (interactions); `GreetingSent` ties it to
the occasion it answered, so an occasion is greeted once. A survey round picks
its customers when it is opened (`RoundMember`); an answer is a survey
(`interactions.Feedback`) linked to its member; the round's figures are derived
from those rows and frozen by its state (no answer joins a closed round)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.calendar import Occasion


class GreetingSent(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    on = models.DateField(_("day of the occasion"))
    interaction = models.OneToOneField(
        "interactions.Interaction", verbose_name=_("contact"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("greeting sent")
        verbose_name_plural = _("greetings sent")
        constraints = [
            # An occasion is greeted once, however many clicks reach the server.
            models.UniqueConstraint(fields=["customer", "occasion", "on"], name="greeting_once_per_occasion"),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.on}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Collecting answers")
    CLOSED = "closed", _("Closed: analysis waits for approval")
    APPROVED = "approved", _("Analysis approved")


ROUND_MOVES = {RoundStatus.OPEN: (RoundStatus.CLOSED,), RoundStatus.CLOSED: (RoundStatus.APPROVED,)}


class SurveyRound(models.Model):
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    # Empty: every active customer of the department; else the share drawn at random.
    sample_share = models.DecimalField(
        _("sample share"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.001), MaxValueValidator(1)],
        help_text=_("Empty: every active customer; else a share between 0 and 1, such as 0.2."),
    )
    target_rate = models.PositiveSmallIntegerField(
        _("target response rate (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN, editable=False
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approval_note = models.CharField(_("approval note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("open_round", _("Open and close the department's satisfaction survey rounds")),
            ("approve_round", _("Approve the survey analysis of a department below one's own")),
        ]
        indexes = [models.Index(fields=["department", "-opened_at"], name="round_department_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(target_rate__gte=1, target_rate__lte=100), name="round_target_1_to_100"),
            models.CheckConstraint(
                condition=Q(sample_share__isnull=True) | Q(sample_share__gt=0, sample_share__lte=1),
                name="round_share_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(~Q(status="open"), closed_at__isnull=False),
                name="round_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", approved_by__isnull=False, approved_at__isnull=False)
                | Q(~Q(status="approved"), approved_by__isnull=True, approved_at__isnull=True),
                name="round_approved_has_approver",
            ),
            # Maker ≠ checker: whoever opened the round never approves its analysis.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("opened_by")),
                name="round_approver_not_opener",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        if not self.title:
            raise ValidationError({"title": _("Give the round a title.")})


class RoundMember(models.Model):
    """A customer the round asks; `feedback` is their answer, once recorded."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="members")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    feedback = models.OneToOneField(
        "interactions.Feedback",
        verbose_name=_("answer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="round_member",
    )

    class Meta:
        verbose_name = _("customer asked")
        verbose_name_plural = _("customers asked")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "customer"], name="round_member_once")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.customer_id}"


class CorrectiveAction(models.Model):
    """What the department will do about a round that fell short of its target."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "due_on"], name="action_owner_open_idx", condition=Q(done_at__isnull=True))
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today: date | None = None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def clean(self) -> None:
        self.description = (self.description or "").strip()
        if not self.description:
            raise ValidationError({"description": _("Say what will be done.")})
