"""The nightly snapshot of what the product says about each customer (issue 20
items 1-2): value (recency, frequency, amount), potential, loyalty and
completeness, with the inputs each score was computed from.

A snapshot is built whole into new rows (`Snapshot.status = building`), then made
current in one transaction (`insight.refresh`): readers see the previous snapshot
until that moment, and a refresh killed half-way leaves it untouched. The rows
are derived figures (SPEC §3): nothing here is ever edited by hand; the next
refresh recomputes them. Department and customer columns are plain integers
(the customer's as a foreign key without a database constraint, so the list can
join it): a customer's removal never waits on a snapshot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SnapshotStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")


class ValueClass(models.TextChoices):
    KEY = "key", pgettext_lazy("value class", "Key")
    GENERAL = "general", pgettext_lazy("value class", "General")
    OCCASIONAL = "occasional", pgettext_lazy("value class", "Occasional")


class Snapshot(models.Model):
    taken_at = models.DateTimeField(_("as of"))
    taken_on = models.DateField(_("snapshot date"))
    window_days = models.PositiveIntegerField(_("window (days)"))
    status = models.CharField(
        _("status"), max_length=20, choices=SnapshotStatus.choices, default=SnapshotStatus.BUILDING
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer value snapshot")
        verbose_name_plural = _("customer value snapshots")
        ordering = ["-id"]
        default_permissions = ("view",)
        permissions = [("refresh_scores", _("Refresh the customer value snapshot now"))]
        constraints = [
            # Readers ask for "the current one": there is never more than one.
            models.UniqueConstraint(fields=["status"], condition=Q(status="current"), name="insight_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} ({self.status})"


class CustomerScore(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="insight_scores",
        db_index=False,
    )
    department_id = models.IntegerField()
    kind = models.CharField(max_length=20)
    ranked = models.BooleanField(default=False)  # approved: takes part in the department's classes

    # Value: recency, frequency, amount (amounts per currency: CustomerAmount).
    last_purchase_at = models.DateTimeField(null=True)
    recency_days = models.IntegerField(null=True)
    frequency = models.IntegerField(default=0)
    products = models.IntegerField(default=0)
    amount_percentile = models.FloatField(default=0)
    frequency_percentile = models.FloatField(default=0)
    recency_percentile = models.FloatField(default=0)
    value_score = models.SmallIntegerField(default=0)
    value_class = models.CharField(max_length=20, choices=ValueClass.choices, blank=True)

    # Potential: the trend (base currency) and needs analysis.
    recent_half = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    earlier_half = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    consultations = models.IntegerField(default=0)
    needs_recorded = models.BooleanField(default=False)
    potential_score = models.SmallIntegerField(default=0)

    # Loyalty: relationship length, repeat purchases, complaints, satisfaction.
    relationship_days = models.IntegerField(default=0)
    complaints = models.IntegerField(default=0)
    satisfaction = models.FloatField(null=True)
    loyalty_score = models.SmallIntegerField(default=0)

    # Completeness (insight.completeness): per dimension, and what is missing (codes).
    basic_filled = models.SmallIntegerField(default=0)
    basic_applicable = models.SmallIntegerField(default=0)
    business_filled = models.SmallIntegerField(default=0)
    business_applicable = models.SmallIntegerField(default=0)
    contacts_filled = models.SmallIntegerField(default=0)
    contacts_applicable = models.SmallIntegerField(default=0)
    completeness = models.SmallIntegerField(default=0)
    missing = models.CharField(max_length=1000, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "customer"], name="insight_score_per_customer"),
        ]
        indexes = [
            # The list sorted or filtered by a score within a department.
            models.Index(fields=["snapshot", "department_id", "-value_score"], name="insight_score_value_idx"),
            models.Index(fields=["snapshot", "department_id", "completeness"], name="insight_score_complete_idx"),
            # The list in the order of a score (insight.listing): an index walk that stops after a page.
            models.Index(fields=["snapshot", "-value_score", "-customer"], name="insight_score_value_order_idx"),
            models.Index(fields=["snapshot", "-potential_score", "-customer"], name="insight_score_potent_order_idx"),
            models.Index(fields=["snapshot", "-loyalty_score", "-customer"], name="insight_score_loyal_order_idx"),
            models.Index(fields=["snapshot", "completeness", "-customer"], name="insight_score_compl_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.customer_id}: {self.value_score}"


class CustomerAmount(models.Model):
    """A customer's net amount in one currency over the window (reversals taken
    off the entries they reverse), and its two halves for the trend."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+", db_index=False)
    customer_id = models.IntegerField()
    department_id = models.IntegerField()
    currency = models.CharField(max_length=3)
    ranked = models.BooleanField(default=False)  # the customer is approved (as CustomerScore.ranked)
    net = models.DecimalField(max_digits=18, decimal_places=2)
    recent_half = models.DecimalField(max_digits=18, decimal_places=2)
    earlier_half = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "customer_id", "currency"], name="insight_amount_per_currency"),
        ]
        indexes = [models.Index(fields=["snapshot", "department_id", "currency"], name="insight_amount_dept_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.net} {self.currency}"


class DepartmentFigures(models.Model):
    """Each department's totals in a snapshot: what the reports read."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+", db_index=False)
    department_id = models.IntegerField()
    customers = models.IntegerField(default=0)
    key_customers = models.IntegerField(default=0)
    general_customers = models.IntegerField(default=0)
    occasional_customers = models.IntegerField(default=0)
    incomplete = models.IntegerField(default=0)
    completeness = models.FloatField(default=0)
    basic = models.FloatField(default=0)
    business = models.FloatField(default=0)
    contacts = models.FloatField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "department_id"], name="insight_figures_per_department"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}/{self.department_id}"
