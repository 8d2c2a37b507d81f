"""What review will refuse, said at step 1 (issue 22 item 1).

The consent rules (purpose, time and retention told to the customer; a guardian's
consent for a child under 14) are the model's own (`Customer._clean_consent`),
applied by `Customer.clean()` to an entry sent for review. A draft may lack them,
so until now a missing consent showed only as a banner after "confirm and
submit". `consent_errors` runs those same rules on a record as if it were sent
now and keeps just their errors, so the entry form and the summary can put them
beside the fields before the maker goes any further."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from customers.models import Customer, Status

CONSENT_CODES = frozenset({"consent", "guardian"})
REQUIRED_FOR_REVIEW = ("consent_purpose", "consent_at", "retention_until")
REQUIRED_FOR_A_CHILD = ("guardian_name", "guardian_consent_at")


def consent_errors(customer: Customer) -> dict[str, list[str]]:
    """The consent and guardian errors review would give `customer` now, by field."""
    status = customer.status
    customer.status = Status.PENDING  # the rules apply to an entry sent for review
    try:
        customer.clean()
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        found = {
            field: [error.message % (error.params or {}) for error in field_errors if error.code in CONSENT_CODES]
            for field, field_errors in errors.items()
        }
        return {field: messages for field, messages in found.items() if messages}
    finally:
        customer.status = status
    return {}


def consent_findings(customer: Customer) -> list[str]:
    """`consent_errors` as lines for the summary (step 2): "label: message"."""
    from django.utils.text import capfirst

    return [
        f"{capfirst(Customer._meta.get_field(field).verbose_name)}：{message}"
        for field, messages in consent_errors(customer).items()
        for message in messages
    ]
