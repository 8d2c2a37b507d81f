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
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Numbered
from customers.models.customer import Customer
from review.models import ReviewedTwice, review_constraints, review_statuses, status_field
from vault.fields import DataKeyField, EncryptedTextField

ChangeStatus = review_statuses(
    "ChangeStatus",
    omit=("DRAFT",),
    relabel={"APPROVED": _("Applied")},
    WITHDRAWN=("withdrawn", _("Withdrawn")),
)


class ChangeRequest(Numbered, ReviewedTwice):
    PREFIX = "BG"

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
    # The review columns come from review.models.ReviewedTwice. A request is made
    # pending (never a draft), by its requester, and is not edited once made.
    status = status_field(ChangeStatus, default=ChangeStatus.PENDING, editable=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("requested at"))

    class Meta(ReviewedTwice.Meta):
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-entered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "entered_at"], name="change_queue_idx"),
            models.Index(fields=["entered_by", "-entered_at"], name="change_maker_idx"),
        ]
        constraints = [
            *review_constraints("change", second=True),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="pending"),
                name="change_one_pending_per_customer",
                violation_error_message=_("A change of this customer already waits for review."),
            ),
        ]
