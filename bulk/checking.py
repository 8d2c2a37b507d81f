"""Checking one spreadsheet row with the customer's own rules, and preparing a
good row for the database.

`RowChecker.check()` turns a row's cells into a `Checked` record: the problems of
the row by column, or — for a good row — what the duplicate rules compare and,
when importing, the row's database values already encrypted under its own new
data key. The verdict is the model's: the cells become a `Customer`, which is
normalised and cleaned field by field and as a whole (`Customer.clean`), exactly
as the form's entry is.

What makes it fast is only remembering: a pure answer (a cell's value, a field's
cleaned value) is kept per column for the values a file repeats — dates, choices,
the same purpose on every row — and a phone number's validity is worked out once
per row instead of once per rule that asks.

The checker never touches the database, so worker processes run it
(`bulk.pipeline`); `Checked` records are small and cross processes cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.base import ModelState
from django.db.models.fields import NOT_PROVIDED
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from phonenumber_field.modelfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from bulk import columns, fastinsert
from customers.models import Customer, Status
from customers.presentation import applies_to
from vault import crypto
from vault.fields import BlindIndexField
from vault.models import DataKey

RELATIONS = [f.name for f in Customer._meta.concrete_fields if f.is_relation]
# Per column, how many distinct values are remembered: enough for dates and
# choices; a column of unique values (names, ID numbers) stops growing there.
REMEMBER_AT_MOST = 2048
_REMEMBERED_TYPES = (str, int, float, bool, date, datetime, Decimal, type(None))
# Columns the writing process fills in for the whole batch (`bulk.pipeline._write`):
# identity, archive number, maker, department, review state and times.
WRITER_DECIDES = frozenset(
    (
        "id",
        "archive_no",
        "owner_id",
        "entered_by_id",
        "department_id",
        "status",
        "entered_at",
        "created_at",
        "updated_at",
    )
)


@dataclass(slots=True)
class Checked:
    """One row's verdict. `customer` and `data_key` are database values in
    column order (`fastinsert.Plan`), present when a good row was prepared for
    writing; the rest is what the duplicate rules compare."""

    number: int
    problems: list[tuple[str, str]] = field(default_factory=list)  # refusals: (column, message)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # possible duplicates
    tags: list[str] = field(default_factory=list)
    id_type: str = ""
    id_index: str = ""
    mobile: str = ""  # E.164
    name: str = ""
    birth_date: date | None = None
    # What the richer duplicate rules compare (customers.matching).
    kind: str = ""
    phone: str = ""
    email: str = ""
    match_name: str = ""
    match_pinyin: str = ""
    match_address: str = ""
    customer: tuple | None = None
    data_key: tuple | None = None

    @property
    def good(self) -> bool:
        return not self.problems

    def __reduce__(self):
        # Crosses from a worker as a plain tuple: half the pickling time of a dataclass's state.
        return Checked, tuple(getattr(self, f) for f in self.__slots__)


def _label(name: str) -> str:
    return str(capfirst(Customer._meta.get_field(name).verbose_name)) if name != "__all__" else ""


class _Remembered:
    """A pure function's answers (a value, or the ValidationError it raised) for
    the values seen most often first; bounded."""

    __slots__ = ("answers", "function")

    def __init__(self, function) -> None:
        self.function = function
        self.answers: dict = {}

    def __call__(self, value):
        if type(value) not in _REMEMBERED_TYPES:
            return self.function(value)
        key = (type(value), value)  # 1, 1.0 and True are equal keys but different cells
        answer = self.answers.get(key)
        if answer is None:
            try:
                answer = (True, self.function(value))
            except ValidationError as exc:
                answer = (False, exc)
            if len(self.answers) < REMEMBER_AT_MOST:
                self.answers[key] = answer
        ok, result = answer
        if ok:
            return result
        raise ValidationError(result.error_list)  # a new error each time: the remembered one keeps no traceback


def _remembered(function, name: str):
    # ID and bank numbers are unique to a row, and their plaintext is kept no
    # longer than the row's check takes.
    return function if name in Customer.S3_FIELDS else _Remembered(function)


class _OncePhoneNumber(PhoneNumber):
    """A parsed phone number that works out its validity once: the field's
    validator, `Customer.clean` and the stored E.164 spelling all ask."""

    _valid: bool | None = None

    def is_valid(self) -> bool:
        if self._valid is None:
            self._valid = super().is_valid()
        return self._valid


def _phone(text: str) -> PhoneNumber:
    # phonenumber_field's to_python, building our class.
    try:
        return _OncePhoneNumber.from_string(text, region=settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return _OncePhoneNumber(raw_input=text)


class RowChecker:
    """Turns a row's cells into a `Checked` record with the customer's own rules."""

    def __init__(self, headers: list, tag_names: set[str]) -> None:
        self.mapping, self.ignored = columns.map_headers([str(h or "") for h in headers])
        self.headers = {name: str(headers[index]).strip() for index, name in self.mapping.items()}
        self.tag_names = tag_names
        self.convert = {
            name: _remembered(lambda cell, name=name: columns.convert(name, cell), name)
            for name in self.mapping.values()
        }
        self.phones = {f.name for f in Customer._meta.concrete_fields if isinstance(f, PhoneNumberField)}
        # Model.clean_fields, field by field, remembering what a field's clean
        # answers for a value (it depends on the value alone; relations, whose
        # check queries the database, are set by the importing process).
        # What the file cannot set (identity, review state, times) is decided by
        # the importing process and is not the row's to be judged on: the form
        # leaves those fields out of its validation too.
        judged = [f for f in Customer._meta.fields if f.editable and f.name not in RELATIONS and not f.generated]
        mapped = set(self.mapping.values())
        self.cleaners = [
            (f, None if f.name in self.phones else _remembered(lambda value, f=f: f.clean(value, None), f.name))
            for f in judged
            if f.name in mapped
        ]
        # A new Customer as Customer() builds it: the defaults, then the row's values.
        self.defaults, self.default_factories = {}, []
        for f in Customer._meta.concrete_fields:
            if f.default is NOT_PROVIDED:
                self.defaults[f.attname] = None if f.null or not f.empty_strings_allowed else ""
            elif f.attname in WRITER_DECIDES:
                self.defaults[f.attname] = None
            elif callable(f.default):
                self.default_factories.append((f.attname, f.default))
            else:
                # A choice's plain value (Tier.GENERAL is "general"), so its answers are remembered.
                self.defaults[f.attname] = f.default.value if isinstance(f.default, Enum) else f.default
        self.defaults["status"] = Status.PENDING  # an imported row goes straight to review
        # A field the file has no column for keeps its default on every row: its
        # verdict is the same for all of them, so it is worked out once.
        self.default_problems = []
        for f in judged:
            value = self.defaults.get(f.attname)
            if f.name in mapped or (f.blank and value in f.empty_values):
                continue
            try:
                f.clean(value, None)
            except ValidationError as exc:
                self.default_problems += [(f.name, m) for m in exc.messages]
        self.plans = None

    def column(self, name: str) -> str:
        return self.headers.get(name) or _label(name)

    def check_batch(self, batch: list[tuple[int, list]], *, prepare: bool = False) -> list[Checked]:
        """The verdicts of a batch of (row number, cells); blank lines are no rows."""
        return [row for row in (self.check(n, cells, prepare=prepare) for n, cells in batch) if row is not None]

    def check(self, number: int, cells: list, *, prepare: bool = False) -> Checked | None:
        """The row's verdict; with `prepare`, a good row's database values too
        (encrypted under a new data key)."""
        if not any(str(c).strip() for c in cells if c is not None):
            return None  # a blank line is not a row
        row = Checked(number)
        values: dict[str, object] = {}
        failed: list[str] = []
        for index, name in self.mapping.items():
            cell = cells[index] if index < len(cells) else None
            try:
                value = self.convert[name](cell)
            except ValidationError as exc:
                row.problems += [(self.column(name), message) for message in exc.messages]
                failed.append(name)
                continue
            if name == "tags":
                row.tags = list(value or [])
                unknown = [t for t in row.tags if t not in self.tag_names]
                if unknown:
                    row.problems.append(
                        (self.column(name), _("Unknown tags: %(tags)s.") % {"tags": "、".join(unknown)})
                    )
                continue
            # An empty cell is a blank field, as if the column were absent: the
            # field's default (a tier, a stage), never an empty phone number parsed.
            if value is not None and value != "":
                values[name] = _phone(value) if name in self.phones and isinstance(value, str) else value
        customer = self._new_customer(values)
        self._validate(customer, row, failed)
        if not row.good:
            return row
        row.id_type, row.id_index = customer.id_type, customer.id_number_index
        row.mobile = customer.mobile.as_e164 if customer.mobile not in (None, "") else ""
        row.name, row.birth_date = customer.name, customer.birth_date
        row.kind, row.email = customer.kind, customer.email
        row.phone = customer.phone.as_e164 if customer.phone not in (None, "") else ""
        row.match_name, row.match_pinyin, row.match_address = (
            customer.match_name,
            customer.match_pinyin,
            customer.match_address,
        )
        if prepare:
            self._prepare(customer, row)
        return row

    def _new_customer(self, values: dict) -> Customer:
        customer = Customer.__new__(Customer)
        customer._state = ModelState()
        stored = customer.__dict__
        stored.update(self.defaults)
        for attname, factory in self.default_factories:
            stored[attname] = factory()
        for name, value in values.items():
            # What does not apply to the kind is dropped, as the form's hidden fields are.
            if name == "kind" or applies_to(name, values.get("kind", self.defaults["kind"])):
                setattr(customer, name, value)  # through the field's descriptor, as Customer(**values)
        return customer

    def _validate(self, customer: Customer, row: Checked, failed: list[str]) -> None:
        """`Customer.clean_fields()` then `Customer.clean()`, problems by column."""
        customer.normalize()
        stored = customer.__dict__
        for name, message in self.default_problems:
            row.problems.append((self.column(name), message))
            failed.append(name)
        for f, clean in self.cleaners:
            if f.name in failed:
                continue
            raw = stored.get(f.attname)
            if f.blank and raw in f.empty_values:
                continue
            try:
                cleaned = clean(raw) if clean is not None else f.clean(raw, customer)
            except ValidationError as exc:
                row.problems += [(self.column(f.name), m) for m in exc.messages]
                failed.append(f.name)
                continue
            setattr(customer, f.attname, cleaned)
        try:
            customer.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name not in failed:
                    row.problems += [(self.column(name) if name != "__all__" else "", m) for m in messages]

    def _prepare(self, customer: Customer, row: Checked) -> None:
        if self.plans is None:
            # Customer.clean() has just brought the blind indexes up to date (its last step).
            indexes = frozenset(f.attname for f in Customer._meta.concrete_fields if isinstance(f, BlindIndexField))
            self.plans = (
                fastinsert.Plan(Customer, leave=WRITER_DECIDES, computed=indexes),
                fastinsert.Plan(DataKey),
            )
        customer_plan, key_plan = self.plans
        data_key = crypto.new_data_key()
        customer.data_key = data_key
        row.customer = customer_plan.values(customer)  # encrypts, under the row's own key
        row.data_key = key_plan.values(data_key)
