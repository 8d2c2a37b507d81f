"""A proposal to merge one customer record into another (issue 19 item 3).

A manager proposes it, choosing field by field which record's value survives;
a second person approves it like a change (a key customer twice). Only the
choices are stored — which side each field comes from — never a value, so no
personal value lies here; both records' versions are pinned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Numbered
from customers.models.change import ChangeStatus
from customers.models.customer import Customer
from review.models import ReviewedTwice, review_constraints, status_field


class MergeRequest(Numbered, ReviewedTwice):
    PREFIX = "HB"

    survivor = models.ForeignKey(
        Customer, verbose_name=_("surviving record"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Customer, verbose_name=_("record merged into it"), on_delete=models.PROTECT, related_name="+"
    )
    # The versions the proposer compared; a merge of any other version would
    # overwrite values nobody chose.
    survivor_version = models.PositiveIntegerField(_("surviving record's version"))
    merged_version = models.PositiveIntegerField(_("merged record's version"))
    take_from_merged = models.JSONField(_("fields taken from the merged record"), default=list, blank=True)
    reason = models.CharField(_("why they are the same customer"), max_length=200)
    # The review columns come from review.models.ReviewedTwice. A merge is proposed
    # pending (never a draft), by a manager, and is not edited once proposed.
    status = status_field(ChangeStatus, default=ChangeStatus.PENDING, editable=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("proposed at"))

    class Meta(ReviewedTwice.Meta):
        verbose_name = _("merge request")
        verbose_name_plural = _("merge requests")
        ordering = ["-entered_at", "-id"]
        indexes = [models.Index(fields=["status", "entered_at"], name="merge_queue_idx")]
        constraints = [
            *review_constraints("merge", second=True),
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")),
                name="merge_two_records",
                violation_error_message=_("A record cannot be merged into itself."),
            ),
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(status="pending"),
                name="merge_one_pending_per_record",
                violation_error_message=_("A merge of this record already waits for review."),
            ),
        ]
