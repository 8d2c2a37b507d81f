"""What the API answers: each row as the token's system may see it (SPEC §2 field
tiers), and the shape of each request body for the schema.

Customers: every field of the record page, as a string or null, so one field's
type never depends on whether it is masked: S3 always masked, S2 masked unless
the viewer sees the customer's personal values (`personal` says which)."""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal

import phonenumbers
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import DEFAULT_GRANT_HOURS, MAX_GRANT_HOURS, AccessGrant, Customer
from customers.presentation import FORM_AND_DETAIL_FIELDS, S2_MASKS, S3_MASKS
from interactions.models import Complaint, Feedback, Interaction
from transactions.models import Product, Transaction
from vault import masking

CUSTOMER_FIELDS = tuple(sorted(FORM_AND_DETAIL_FIELDS - {"tags"}))


def plain(value: object) -> str | None:
    """A stored value as the API spells it: codes, ISO dates, E.164 numbers."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, phonenumbers.PhoneNumber):
        return phonenumbers.format_number(value, phonenumbers.PhoneNumberFormat.E164)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def customer_value(name: str, raw: object, *, personal: bool) -> str | None:
    if name in S3_MASKS:
        return S3_MASKS[name](raw) if raw else None
    if raw is None or raw == "":
        return None if raw is None else ""
    if name in Customer.S2_FIELDS and not personal:
        return S2_MASKS.get(name, masking.mask_text)(raw)
    return plain(raw)


class CustomerSerializer(serializers.Serializer):
    """The context carries `rights` (customers.rights.CustomerRights of the caller)."""

    id = serializers.IntegerField(read_only=True)
    archive_no = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    personal = serializers.SerializerMethodField(help_text="Whether S2 values are shown in full.")
    tags = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    def get_personal(self, customer: Customer) -> bool:
        return self.context["rights"].sees_personal(customer)

    def get_tags(self, customer: Customer) -> list[str]:
        return [tag.name for tag in customer.tags.all()]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {name: {"type": "string", "nullable": True} for name in CUSTOMER_FIELDS},
            "additionalProperties": False,
        }
    )
    def get_values(self, customer: Customer) -> dict:
        personal = self.get_personal(customer)
        return {name: customer_value(name, getattr(customer, name), personal=personal) for name in CUSTOMER_FIELDS}


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=list(masking.ALWAYS_MASKED))
    purpose = serializers.CharField(max_length=500)


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class GrantRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=500, help_text="Why the system needs the full numbers.")
    hours = serializers.IntegerField(min_value=1, max_value=MAX_GRANT_HOURS, default=DEFAULT_GRANT_HOURS)


class GrantSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessGrant
        fields = ["id", "customer", "status", "purpose", "hours", "requested_at", "expires_at"]


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="A name prefix, archive number, mobile, or an exact ID or bank number."
    )
    tag = serializers.CharField(max_length=30, required=False, allow_blank=True)


class SearchResultSerializer(serializers.Serializer):
    matched = serializers.IntegerField()
    results = CustomerSerializer(many=True)


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "unit_price", "active"]


class TransactionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Transaction
        fields = [
            "id",
            "number",
            "customer",
            "kind",
            "occurred_at",
            "amount",
            "currency",
            "product",
            "quantity",
            "payment_method",
            "order_no",
            "original",
            "note",
            "status",
            "version",
            "created_at",
        ]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interaction
        fields = [
            "id",
            "customer",
            "occurred_at",
            "channel",
            "direction",
            "kind",
            "summary",
            "content",
            "handler",
            "follow_up_at",
            "followed_up_at",
            "created_at",
        ]


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer",
            "received_at",
            "channel",
            "category",
            "severity",
            "content",
            "status",
            "handler",
            "due_at",
            "resolution",
            "resolved_at",
            "satisfaction",
        ]


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "customer", "surveyed_at", "service_quality", "price", "overall", "comment"]


# Request bodies: the page's form decides (api.entry); these only describe it.

_FIELD_TYPES = (
    (forms.DateTimeField, lambda f: serializers.DateTimeField(required=f.required)),
    (forms.DateField, lambda f: serializers.DateField(required=f.required)),
    (forms.DecimalField, lambda f: serializers.CharField(required=f.required, help_text="A decimal number.")),
    (forms.IntegerField, lambda f: serializers.IntegerField(required=f.required, allow_null=not f.required)),
    (forms.ModelMultipleChoiceField, lambda f: serializers.ListField(child=serializers.CharField(), required=False)),
    (forms.ModelChoiceField, lambda f: serializers.IntegerField(required=f.required, allow_null=not f.required)),
    (forms.TypedChoiceField, lambda f: serializers.ChoiceField(choices=_codes(f), required=f.required)),
    (forms.ChoiceField, lambda f: serializers.ChoiceField(choices=_codes(f), required=f.required)),
)


def _codes(field) -> list:
    return [(code, label) for code, label in field.choices if code != ""]


def body_serializer(name: str, form_class: type[forms.BaseForm], *, customer: bool) -> type[serializers.Serializer]:
    """A serializer describing `form_class`'s fields (the schema's request body)."""
    declared: dict = {}
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    defaults = {f.name for f in model._meta.fields if f.has_default()} if model else set()
    if customer:
        declared["customer"] = serializers.IntegerField(help_text="The customer's id.")
    for field_name, field in form_class.base_fields.items():
        if field_name == "form_token":
            continue
        if field_name in defaults or field.initial not in (None, ""):
            field = copy.copy(field)
            field.required = False  # the page's starting value stands in (api.entry)
        for kind, make in _FIELD_TYPES:
            if isinstance(field, kind):
                declared[field_name] = make(field)
                break
        else:
            declared[field_name] = serializers.CharField(required=field.required, allow_blank=not field.required)
    return type(name, (serializers.Serializer,), declared)
