"""How a call-list row looks, on the page and in the export alike: the name (S1,
as every list shows it), phone numbers masked (S2), never an S3 value."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from customers.models import Customer
from vault.masking import mask_phone


def export_limit() -> int:
    return settings.CRM_CAMPAIGN_EXPORT_LIMIT


def columns() -> list[str]:
    return [_("Archive number"), _("Name"), _("Tier"), _("Customer nature"), _("Mobile"), _("Phone"), _("Owner")]


def masked_row(customer: Customer) -> list[str]:
    return [
        customer.archive_no,
        customer.name,
        str(customer.get_tier_display()),
        str(customer.get_customer_nature_display()) if customer.customer_nature else "",
        mask_phone(customer.mobile),
        mask_phone(customer.phone),
        customer.owner.username if customer.owner_id else "",
    ]
