"""Normalisation and validation of identity, bank and postal numbers (SPEC §3).

Normalisers fold what a Chinese input method or a spreadsheet produces — full-width
digits and letters, full-width spaces, dashes, lower-case `x` — into one spelling;
validators then judge that spelling and raise `ValidationError` with a stable
`code` and a message saying what is wrong and what is expected. No message ever
repeats the value: it may be sensitive.

Resident ID address codes are checked against every code GB/T 2260 has ever
listed (python-stdnum's `cn/loc` data) but never against the birth year. An
address code is assigned when a number is first issued — often decades after
birth — and codes are created and retired over time, so `stdnum.cn.ric.validate`,
which demands the code be valid in the birth year, refuses many real numbers.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import luhn, numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\ufe58\ufe63]+")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


# Full-width letters and digits (and the ideographic space) folded as NFKC folds
# them; Chinese punctuation in prose and names — ，（）：— is left as typed, since
# NFKC would turn an official name such as 华信（北京）有限公司 into something else.
_FULL_WIDTH_ALNUM = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()}
_FULL_WIDTH_ALNUM[0x3000] = " "


_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r") | {0x7F: None}


def normalize_text(value: str | None) -> str:
    """Full-width letters, digits and spaces made half-width, control characters
    (NUL among them, which PostgreSQL refuses) dropped, trimmed, inner runs of
    white space folded to one space."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value or "").translate(_FULL_WIDTH_ALNUM).translate(_CONTROL)
    return " ".join(text.split())


def normalize_code(value: str | None) -> str:
    """NFKC, no white space or dashes, upper case: the one spelling of an ID number."""
    return DASHES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def normalize_email(value: str | None) -> str:
    """NFKC (a full-width ＠ too), no spaces, the domain in lower case."""
    text = "".join(unicodedata.normalize("NFKC", value or "").split())
    local, at, domain = text.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else text


def normalize_bank_account(value: str | None) -> str:
    return DASHES.sub("", unicodedata.normalize("NFKC", value or ""))


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


@cache
def _known_address_codes() -> frozenset[str]:
    """Every six-digit county-level code GB/T 2260 has listed at any time."""
    codes: set[str] = set()
    database = numdb.get("cn/loc")
    for prefix in database.prefixes:
        _collect(prefix, "", codes)
    return frozenset(codes)


def _collect(node: tuple, parent: str, codes: set[str]) -> None:
    _length, low, high, _props, children = node
    for number in range(int(low), int(high) + 1):
        code = parent + str(number).zfill(len(low))
        if len(code) == 6:
            codes.add(code)
        for child in children:
            _collect(child, code, codes)


def resident_id_birth_date(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def resident_id_gender(value: str) -> str:
    return "male" if int(value[16]) % 2 else "female"


def _mod11_2_ok(value: str) -> bool:
    return value[-1] == ric.calc_check_digit(value)


def validate_resident_id(value: str) -> None:
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("A resident ID has 18 characters: 17 digits and a final digit or X (you entered %(length)d characters)."),
            code="format",
            params={"length": len(value)},
        )
    if not _mod11_2_ok(value):
        raise ValidationError(
            _(
                "The check digit is wrong: the last character of a resident ID is computed from the first 17 "
                "digits (GB 11643). One digit is probably mistyped or two are swapped; check it against the document."
            ),
            code="checksum",
        )
    try:
        born = resident_id_birth_date(value)
    except ValueError:
        born = None
    if born is None or born < EARLIEST_BIRTH or born > _today():
        raise ValidationError(
            _(
                "Digits 7 to 14 of a resident ID are the date of birth (YYYYMMDD); here they are not a real "
                "date between 1900 and today. Check the number against the document."
            ),
            code="birth_date",
        )
    if value[:6] not in _known_address_codes():
        raise ValidationError(
            _(
                "The first six digits of a resident ID are an administrative area code (GB/T 2260); these six "
                "have never been one. Check the number against the document."
            ),
            code="address_code",
        )


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters (you entered %(length)d)."),
            code="format",
            params={"length": len(value)},
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _(
                "The check character is wrong: the last character of a unified social credit code is computed "
                "from the first 17 (GB 32100). Check the code against the business licence."
            ),
            code="checksum",
        ) from None
    except StdnumError:
        raise ValidationError(
            _(
                "A unified social credit code starts with 8 digits followed by digits and capital letters "
                "other than I, O, S, V and Z."
            ),
            code="format",
        ) from None


def validate_passport(value: str) -> None:
    if not re.fullmatch(r"[A-Z0-9]{5,17}", value):
        raise ValidationError(_("A passport number has 5 to 17 letters and digits."), code="format")


def validate_hk_macao_permit(value: str) -> None:
    if not re.fullmatch(r"[HM](\d{8}|\d{10})", value):
        raise ValidationError(
            _("A Hong Kong and Macao residents' permit number is H or M followed by 8 or 10 digits."),
            code="format",
        )


def validate_taiwan_permit(value: str) -> None:
    if not re.fullmatch(r"\d{8}|\d{10}", value):
        raise ValidationError(_("A Taiwan residents' permit number has 8 or 10 digits."), code="format")


def validate_foreign_permanent_id(value: str) -> None:
    if re.fullmatch(r"[A-Z]{3}\d{12}", value):
        return
    if re.fullmatch(r"\d{17}[\dX]", value):
        if _mod11_2_ok(value):
            return
        raise ValidationError(
            _(
                "The check digit is wrong: the last character of an 18-digit permanent residence ID is computed "
                "from the first 17 digits (GB 11643). Check the number against the card."
            ),
            code="checksum",
        )
    raise ValidationError(
        _("A foreign permanent residence ID is 3 letters and 12 digits, or 17 digits and a final digit or X."),
        code="format",
    )


ID_NUMBER_VALIDATORS: dict[str, Callable[[str], None]] = {
    "resident_id": validate_resident_id,
    "passport": validate_passport,
    "hk_macao_permit": validate_hk_macao_permit,
    "taiwan_permit": validate_taiwan_permit,
    "foreign_permanent_id": validate_foreign_permanent_id,
    "uscc": validate_uscc,
}


def validate_id_number(id_type: str, value: str) -> None:
    validator = ID_NUMBER_VALIDATORS.get(id_type)
    if validator is None:
        raise ValidationError(_("Choose a known ID type."), code="id_type")
    validator(value)


def validate_bank_account(value: str) -> None:
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("A bank account number has digits only (spaces are removed for you)."), code="format")
    if not 12 <= len(value) <= 19:
        raise ValidationError(
            _("A bank account number has 12 to 19 digits (you entered %(length)d)."),
            code="length",
            params={"length": len(value)},
        )
    if len(value) >= 16 and not luhn.is_valid(value):
        raise ValidationError(
            _(
                "The check digit is wrong (Luhn): a digit is probably mistyped or two are swapped. "
                "Check the number against the card or passbook."
            ),
            code="checksum",
        )


def validate_postal_code(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value):
        raise ValidationError(_("A postal code has 6 digits."), code="format")
