"""What one viewer is shown of one customer (SPEC §2 field tiers), and how the
record's fields are grouped on the form and the record page.

Masking happens here, on the server: templates receive display strings, never a
value the viewer may not see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import phonenumbers
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.models import INDIVIDUAL_ONLY, ORGANIZATION_ONLY, Customer, Kind
from customers.rights import CustomerRights
from vault import masking

# The record's sections, as the seeds group them; the form and the record page share them.
FIELD_GROUPS: list[tuple[str, object, tuple[str, ...]]] = [
    (
        "basic",
        _("Basic information"),
        (
            "kind",
            "name",
            "gender",
            "birth_date",
            "id_type",
            "id_number",
            "customer_nature",
            "tier",
            "tags",
            "lifecycle_stage",
            "source_channel",
        ),
    ),
    ("contact", _("Contact"), ("mobile", "phone", "email", "province", "city", "district", "address", "postal_code")),
    (
        "details",
        _("Details"),
        (
            "occupation",
            "employer",
            "bank_account",
            "interests",
            "credit_status",
            "credit_note",
            "pain_points",
            "product_needs",
            "competitors",
            "archive_location",
        ),
    ),
    (
        "family",
        _("Education and family"),
        ("education", "school", "marital_status", "spouse_name", "children_count"),
    ),
    (
        "organization",
        _("Organization"),
        ORGANIZATION_ONLY,
    ),
    (
        "consent",
        _("Consent and retention"),
        ("consent_purpose", "consent_at", "retention_until", "guardian_name", "guardian_consent_at"),
    ),
]

FORM_AND_DETAIL_FIELDS = frozenset(name for _key, _title, names in FIELD_GROUPS for name in names)
S3_MASKS = dict.fromkeys(masking.ALWAYS_MASKED, masking.mask_sensitive)
S2_MASKS = {"mobile": masking.mask_phone, "phone": masking.mask_phone, "email": masking.mask_email}


def applies_to(field_name: str, kind: str) -> bool:
    if kind == Kind.INDIVIDUAL:
        return field_name not in ORGANIZATION_ONLY
    return field_name not in INDIVIDUAL_ONLY


def shown_value(name: str, raw: object, *, personal: bool) -> str:
    """A raw value of field `name` as a viewer sees it: S3 always masked, S2
    masked unless `personal` (the viewer may see this customer's personal values)."""
    if name in S3_MASKS:
        return S3_MASKS[name](raw)
    if raw is None or raw == "":
        return ""
    if name in Customer.S2_FIELDS and not personal:
        return S2_MASKS.get(name, masking.mask_text)(raw)
    field = Customer._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    return format_value(raw)


def masked_value(name: str, raw: object) -> str:
    """A value of field `name` as a viewer without personal rights sees it
    (S3 and S2 masked): for pages that show many customers' records at once."""
    return shown_value(name, raw, personal=False)


def format_value(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"¥{value:,.2f}"
    if isinstance(value, phonenumbers.PhoneNumber):
        return phonenumbers.format_number(value, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(value)


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    value: str
    masked: bool = False


class CustomerPresenter:
    """One customer as one viewer may see it."""

    def __init__(self, customer: Customer, rights: CustomerRights, *, personal: bool = False) -> None:
        """`personal=True` shows S2 in full where the viewer's role on something
        else (deciding a change of this customer) allows it."""
        self.customer = customer
        self.personal = personal or rights.sees_personal(customer)

    def show(self, name: str, raw: object) -> str:
        """A raw value of field `name` as this viewer may see it."""
        return shown_value(name, raw, personal=self.personal)

    def value(self, name: str) -> str:
        if name == "tags":
            return "、".join(tag.name for tag in self.customer.tags.all())
        return self.show(name, getattr(self.customer, name))

    def __getitem__(self, name: str) -> str:
        # Templates read `{{ row.mobile }}`: the value as this viewer may see it.
        if name != "tags" and name not in FORM_AND_DETAIL_FIELDS:
            raise KeyError(name)
        return self.value(name)

    def is_masked(self, name: str) -> bool:
        return name in S3_MASKS or (name in Customer.S2_FIELDS and not self.personal)

    def sections(self) -> list[tuple[str, object, list[Row]]]:
        kind = self.customer.kind
        sections = []
        for key, title, names in FIELD_GROUPS:
            rows = [
                Row(name, capfirst(Customer._meta.get_field(name).verbose_name), self.value(name), self.is_masked(name))
                for name in names
                if applies_to(name, kind)
            ]
            if rows:
                sections.append((key, title, rows))
        return sections

    def difference(self, proposed: dict) -> list[tuple[str, str, str, str, bool]]:
        """(name, label, old, new, masked) for each proposed value, as this viewer may see them."""
        rows = []
        for name, new in proposed.items():
            label = capfirst(Customer._meta.get_field(name).verbose_name)
            if name == "tags":
                rows.append((name, label, self.value("tags"), "、".join(new), False))
            else:
                rows.append((name, label, self.value(name), self.show(name, new), self.is_masked(name)))
        return rows
