"""What every form of the app shares: dates inside the calendar the app works in."""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Year 1 minus eight hours (Asia/Shanghai → UTC) and 9999-12-31 plus a day overflow
# Python's dates; no customer record needs a date outside these years.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def validate_supported_date(value) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


class SupportedDatesMixin(forms.BaseForm):
    """Every date and date-time field of the form refuses years outside
    EARLIEST..LATEST with a message beside the field, before any arithmetic."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                field.validators.append(validate_supported_date)
