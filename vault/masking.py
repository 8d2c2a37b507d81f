"""Masked display of sensitive values (SPEC §2). Pure functions of the value:
what a viewer may see is decided elsewhere (selectors and the record's tiers);
these only say how a masked value looks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MASK = "*"
# The S3 fields (SPEC §2), by name wherever a record, form or request carries
# them: always masked, for every viewer; the full value only through a logged
# reveal, one field at a time. Named once: everything that treats them apart
# imports this.
ALWAYS_MASKED = ("id_number", "bank_account")


class RevealBasis(models.TextChoices):
    """On what ground a viewer reveals an always-masked value (stored in the
    access log's detail as the code; the label stands for a purpose nobody typed)."""

    GRANT = "grant", _("Live access grant")
    REVIEW = "review", _("Review against the original documents")
    MANAGER = "manager", _("Manager of the department")


# At most this share of a sensitive number is shown, and at most the first three
# and last four characters: 18 characters show 7 (`110***********1234`, as the
# resident-ID convention has it), a 9-character passport 3 (`E******78`), a
# 12-digit account 4 (`6********456`).
SHOWN_SHARE = (2, 5)
SHOWN_HEAD, SHOWN_TAIL = 3, 4


def mask_sensitive(value: str) -> str:
    """One star per hidden character, so a mask never pretends a length the
    number has not (the length says little: the ID type already fixes it, and an
    account's length only narrows the bank). Shown: at most two fifths of the
    characters — fewer for short numbers — split between the start (at most 3)
    and the end (at most 4); a number of four characters or fewer is all stars."""
    if not value:
        return ""
    length = len(value)
    numerator, denominator = SHOWN_SHARE
    shown = min(SHOWN_HEAD + SHOWN_TAIL, length * numerator // denominator) if length > 4 else 0
    tail = min(SHOWN_TAIL, shown - shown // 3)
    head = shown - tail
    return value[:head] + MASK * (length - shown) + (value[length - tail :] if tail else "")


def mask_id_number(value: str) -> str:
    """`110105199001011234` → `110***********1234`; `E12345678` → `E******78`."""
    return mask_sensitive(value)


def mask_bank_account(value: str) -> str:
    """`6222021234567891234` → `622************1234`; `622202123456` → `6********456`."""
    return mask_sensitive(value)


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
