"""Masked display of sensitive values (SPEC §2). Pure functions of the value:
what a viewer may see is decided elsewhere (selectors and the record's tiers);
these only say how a masked value looks."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str) -> str:
    """`110105199001011234` → `110***********1234`: region prefix and last four."""
    if not value:
        return ""
    if len(value) <= 7:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_bank_account(value: str) -> str:
    """`6222021234567891234` → `6222 **** **** 1234`."""
    if not value:
        return ""
    if len(value) <= 8:
        return MASK * len(value)
    return f"{value[:4]} **** **** {value[-4:]}"


def mask_phone(value: object) -> str:
    """`+8613812345678` → `138****5678`; other countries keep their prefix."""
    text = str(value or "")
    if not text:
        return ""
    national = text[3:] if text.startswith("+86") else text
    if len(national) <= 7:
        return MASK * len(national)
    return national[:3] + MASK * 4 + national[-4:]


def mask_email(value: str) -> str:
    """`zhang.wei@example.com` → `z***@example.com`."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return (local[:1] + MASK * 3 + at + domain) if at else MASK * 3


def mask_text(value: object) -> str:
    """Any other personal value: the first character, then stars."""
    text = str(value or "")
    return (text[:1] + MASK * 3) if text else ""
