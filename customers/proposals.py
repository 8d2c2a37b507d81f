"""A change request's proposal: the customer's values as the sealed document
stores them, and back (SPEC §4 Changes)."""

from __future__ import annotations

import json
from typing import Any

from customers.models import ChangeRequest, Customer

TAGS = "tags"


def serialise(customer: Customer, name: str) -> str:
    if name in Customer.S3_FIELDS:
        return str(getattr(customer, name) or "")
    return Customer._meta.get_field(name).value_to_string(customer)


def deserialise(name: str, text: str) -> Any:
    field = Customer._meta.get_field(name)
    if name in Customer.S3_FIELDS:
        return text
    if text in ("", "None") and field.null:
        return None
    return field.to_python(text)


def proposed_values(change: ChangeRequest) -> dict[str, Any]:
    """The proposal as Python values, by field name (`tags`: a list of names)."""
    raw = json.loads(str(change.proposal))
    return {name: (text if name == TAGS else deserialise(name, text)) for name, text in raw.items()}
