"""Which spreadsheet column feeds which customer field: headers in Chinese or
English (the field's label in either language, or its name), and how each
cell's text becomes a value — dates in the common Chinese spellings, choices by
code or label, and refusals (never silent fixes) for what Excel does to numbers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.forms import FORM_FIELDS
from customers.models import Customer

REQUIRED = ("kind", "name", "consent_purpose", "consent_at", "retention_until")
# Columns whose leading zeros matter, or that Excel turns into floats.
CODES = ("id_number", "bank_account", "postal_code", "phone")
# Excel's scientific notation: one digit, maybe a fraction, and a signed exponent
# (`1.10105E+17`). A code with a letter E between digits (a valid social credit code
# such as `9111010008E1234561`) is not one.
SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]\d+$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H时%M分", "%H点%M分")


def _key(header: str) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    text = re.sub(r"[\s*＊_]|[(（]必填[)）]", "", text)
    return text


@cache
def header_map() -> dict[str, str]:
    """Normalised header → field name, for every spelling we accept."""
    names: dict[str, str] = {}
    for name in FORM_FIELDS:
        field = Customer._meta.get_field(name)
        names[_key(name)] = name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[_key(str(field.verbose_name))] = name
    return names


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """(column index → field, headers we ignore). Raises ValidationError naming
    the required columns that are missing, before anything is read further."""
    known = header_map()
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        field = known.get(_key(header))
        if field and field not in mapping.values():
            mapping[index] = field
        elif str(header or "").strip():
            ignored.append(str(header).strip())
    missing = [name for name in REQUIRED if name not in mapping.values()]
    if missing:
        with translation.override(translation.get_language()):
            labels = "、".join(str(Customer._meta.get_field(n).verbose_name) for n in missing)
        raise ValidationError(
            _("The file lacks required columns: %(columns)s. Add them (Chinese or English headers) and upload again.")
            % {"columns": labels},
            code="missing_columns",
        )
    return mapping, ignored


@cache
def _choice_lookup(name: str) -> dict[str, str]:
    field = Customer._meta.get_field(name)
    lookup = {}
    for value, label in field.flatchoices:
        lookup[_key(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[_key(str(label))] = value
    return lookup


def _parse_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time zone
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        raise ValidationError(
            _("%(value)s looks like an Excel date serial number: format the column as a date or as text 2026-01-02."),
            params={"value": text},
        )
    raise ValidationError(
        _("%(value)s is not a date. Write it as 2026-01-02, 2026/1/2 or 2026年1月2日."), params={"value": text}
    )


def _parse_datetime(text: str) -> datetime:
    parts = text.replace("T", " ").split()
    day = _parse_date(parts[0])
    moment = time(0, 0)
    if len(parts) > 1:
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(parts[1], fmt).time()  # noqa: DTZ007 — made aware below
                break
            except ValueError:
                continue
        else:
            raise ValidationError(_("%(value)s is not a time of day, such as 14:30."), params={"value": parts[1]})
    return timezone.make_aware(datetime.combine(day, moment))


def convert(name: str, cell: object) -> object:
    """One cell's value for field `name`, or ValidationError saying what is wrong.
    Messages about ID and bank numbers never repeat the value: they are stored
    (the preview, the report) and an S3 value is kept only encrypted."""
    try:
        return _convert(name, cell)
    except ValidationError as exc:
        if name in Customer.S3_FIELDS and getattr(exc, "params", None) and "value" in exc.params:
            raise ValidationError(exc.message, code=exc.code, params={**exc.params, "value": "***"}) from None
        raise


def _convert(name: str, cell: object) -> object:
    field = Customer._meta.get_field(name)
    if isinstance(cell, float | int) and not isinstance(cell, bool) and name in CODES + ("mobile",):
        if isinstance(cell, float) or name in CODES:
            raise ValidationError(
                _(
                    "Excel stored this as a number (%(value)s), which drops leading zeros and rounds long numbers. "
                    "Format the column as text and type it again."
                ),
                params={"value": cell},
            )
        cell = str(cell)
    if isinstance(cell, datetime):
        if isinstance(field, models.DateTimeField):
            return cell if timezone.is_aware(cell) else timezone.make_aware(cell)
        if isinstance(field, models.DateField):
            return cell.date()
    if isinstance(cell, date) and isinstance(field, models.DateField):
        return cell
    text = "" if cell is None else str(cell).strip()
    if name in CODES + ("mobile",) and SCIENTIFIC.match(text):
        raise ValidationError(
            _(
                "%(value)s is in scientific notation: Excel turned the number into a float and lost digits. "
                "Format the column as text and type it again."
            ),
            params={"value": text},
        )
    if name == "postal_code" and re.fullmatch(r"\d{5}", text):
        raise ValidationError(
            _("%(value)s has 5 digits: Excel may have dropped the leading zero. Format the column as text."),
            params={"value": text},
        )
    if not text:
        return None if getattr(field, "null", False) else ""
    if name == "tags":
        return [t for t in re.split(r"[,，、;；]\s*", text) if t]
    if field.choices:
        value = _choice_lookup(name).get(_key(text))
        if value is None:
            raise ValidationError(
                _("%(value)s is not one of: %(choices)s."),
                params={"value": text, "choices": "、".join(str(label) for _v, label in field.flatchoices)},
            )
        return value
    if isinstance(field, models.DateTimeField):
        return _parse_datetime(text)
    if isinstance(field, models.DateField):
        return _parse_date(text)
    if isinstance(field, models.DecimalField):
        try:
            return Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation as exc:
            raise ValidationError(_("%(value)s is not a number."), params={"value": text}) from exc
    if isinstance(field, models.IntegerField):
        if not re.fullmatch(r"\d+", text):
            raise ValidationError(_("%(value)s is not a whole number."), params={"value": text})
        return int(text)
    return text
