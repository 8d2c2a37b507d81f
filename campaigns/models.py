"""A saved filter: the criteria of a call or campaign list, kept by the person who
made it. The rows themselves are never stored: the list is worked out when it is
opened, within what its viewer may see at that moment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models.choices import CustomerNature, EnterpriseNature, Industry, Kind, Tier
from customers.models.customer import Tag
from insight.models import ValueClass


class Completeness(models.TextChoices):
    INCOMPLETE = "incomplete", _("Incomplete records")
    COMPLETE = "complete", _("Complete records")


class SavedFilter(models.Model):
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    customer_nature = models.CharField(_("customer nature"), max_length=20, choices=CustomerNature.choices, blank=True)
    enterprise_nature = models.CharField(
        _("nature of enterprise"), max_length=30, choices=EnterpriseNature.choices, blank=True
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # From the current snapshot of insight (issue 20 items 1-2): customers new since
    # the snapshot have no value class or completeness yet and fall out of these two.
    value_class = models.CharField(_("value class"), max_length=20, choices=ValueClass.choices, blank=True)
    completeness = models.CharField(_("completeness"), max_length=20, choices=Completeness.choices, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner", "name"], name="campaign_filter_owner_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="campaign_filter_name_once_per_owner",
                violation_error_message=_("You already have a saved filter of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name
