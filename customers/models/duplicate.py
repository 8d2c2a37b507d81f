"""A pair of records judged "not the same customer" (issue 19): the sweep, the
managers' page and the entry checks leave it out from then on."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models.customer import Customer


class DuplicateDismissal(models.Model):
    # The pair in one order (lower id first), so (a, b) and (b, a) are one row.
    first = models.ForeignKey(Customer, verbose_name=_("record"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(
        Customer, verbose_name=_("other record"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    reason = models.CharField(_("why they are not the same customer"), max_length=200)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dismissed by"), on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        verbose_name = _("dismissed possible duplicate")
        verbose_name_plural = _("dismissed possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_dismissal_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"

    @staticmethod
    def key(a: int, b: int) -> tuple[int, int]:
        return (a, b) if a < b else (b, a)


def dismissed_pairs(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of `pairs` (in any order) were dismissed, as ordered keys. One query
    on the unique index's first column."""
    keys = {DuplicateDismissal.key(a, b) for a, b in pairs}
    if not keys:
        return set()
    firsts = {a for a, _ in keys}
    found = set(DuplicateDismissal.objects.filter(first_id__in=firsts).values_list("first_id", "second_id").iterator())
    return keys & found


class DuplicatePair(models.Model):
    """A pair the last sweep (`find_duplicates`) reported, with its rules and score;
    the managers' "possible duplicates" page reads these. The sweep replaces them
    all in one transaction."""

    first = models.ForeignKey(Customer, verbose_name=_("record"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Customer, verbose_name=_("other record"), on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(_("rules"), default=list)
    score = models.FloatField(_("score"))
    found_at = models.DateTimeField(_("found at"), default=timezone.now)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-score", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score})"
