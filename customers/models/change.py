"""A proposed edit of an approved customer (SPEC §4 Changes).

An approved record is never edited in place by a clerk: the edit becomes a
`ChangeRequest`, reviewed like an entry, and applied to the customer atomically
on approval. The proposed values are sealed in one encrypted document under the
request's own data key, so no personal value lies here in plain text; the
difference is computed against the customer, whose version the request pins."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.models.customer import Customer
from vault.fields import DataKeyField, EncryptedTextField


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Applied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = DataKeyField()
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="change_requests"
    )
    # The customer's version the proposal was made against; applying it to any
    # other version would overwrite a change nobody compared.
    base_version = models.PositiveIntegerField(_("based on version"))
    proposal = EncryptedTextField(_("proposed values"), plain_max_length=100_000)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    reason = models.CharField(_("reason for the change"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    # The review mechanism pins a version; a request is not edited once made.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("requested at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    second_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second review by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_reviewed_at = models.DateTimeField(_("second review at"), null=True, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-entered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "entered_at"], name="change_queue_idx"),
            models.Index(fields=["entered_by", "-entered_at"], name="change_maker_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("entered_by")),
                name="change_reviewer_is_not_maker",
                violation_error_message=_("The person who asked for a change cannot review it."),
            ),
            models.CheckConstraint(
                condition=Q(second_reviewed_by__isnull=True)
                | (~Q(second_reviewed_by=F("entered_by")) & ~Q(second_reviewed_by=F("reviewed_by"))),
                name="change_second_reviewer_is_a_third_person",
                violation_error_message=_("The second approval must come from a third person."),
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="pending"),
                name="change_one_pending_per_customer",
                violation_error_message=_("A change of this customer already waits for review."),
            ),
        ]

    def __str__(self) -> str:
        return f"BG{self.pk:06d}" if self.pk else "BG-new"

    @property
    def number(self) -> str:
        return str(self)
