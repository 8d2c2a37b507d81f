"""INSERT many rows of a wide model through the driver's `executemany`.

For the customer table (70 columns) and its history, Django's `bulk_create` spends
most of its time compiling SQL value by value; the import writes the same rows
with one prepared statement per table instead. A `Plan` turns an unsaved instance
into the tuple of its database values through each field's own `pre_save` and
`get_db_prep_save` (so encryption, blind indexes, auto_now and adapters behave
exactly as in `save()`); primary keys are taken from the table's sequence
beforehand, so related rows can point at them.

A plan only reads the connection's adapters, never the database, so worker
processes use it to prepare rows that the main process writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models
from django.db.models import Model
from phonenumber_field.modelfields import PhoneNumberField
from phonenumbers import PhoneNumber


def reserve_ids(model: type[Model], count: int, *, using: str = "default") -> list[int]:
    """`count` fresh primary keys of `model`'s table. Call inside a transaction
    that already holds the write lock (SQLite) — the import's does."""
    if count == 0:
        return []
    connection = connections[using]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX({connection.ops.quote_name(pk)}) AS n FROM {quoted} "  # noqa: S608 — names from the model
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + count))


# Fields whose stored value is the attribute itself (text, integers, foreign-key
# ids): no adapter, no pre_save of their own. Everything else goes the long way.
PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
LONG_WAY = (models.UUIDField, models.DateField, models.DecimalField, models.JSONField, models.FileField)
REMEMBERED = (models.DateField, models.DecimalField)  # DateTimeField is a DateField
REMEMBER_AT_MOST = 2048
_MISSING = object()


def _plain(field) -> bool:
    return (
        isinstance(field, PLAIN)
        and not isinstance(field, LONG_WAY)
        and type(field).pre_save is models.Field.pre_save
        and type(field).get_db_prep_save in (models.Field.get_db_prep_save, models.ForeignKey.get_db_prep_save)
        and not isinstance(field, PhoneNumberField)
    )


def _saves_as_is(field) -> bool:
    """Does the field's pre_save just read the attribute (no auto time, no encryption)?"""
    if isinstance(field, PhoneNumberField):
        return False
    if isinstance(field, models.DateField):  # and DateTimeField
        return not (field.auto_now or field.auto_now_add)
    return type(field).pre_save is models.Field.pre_save


PLAIN_VALUE, ADAPTED_VALUE, SAVED_VALUE, LEFT_VALUE = range(4)


class Plan:
    """How one model's rows become database values and one INSERT statement."""

    def __init__(
        self,
        model: type[Model],
        *,
        using: str = "default",
        leave: frozenset[str] = frozenset(),
        computed: frozenset[str] = frozenset(),
    ) -> None:
        """`leave`: attnames whose values someone else fills in (they are None
        here); `computed`: attnames the caller has already brought up to date on
        the instance (their pre_save has run), taken as they are."""
        self.model = model
        self.using = using
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.position = {attname: index for index, attname in enumerate(self.attnames)}
        self._steps = []
        for f in self.fields:
            if f.attname in leave:
                self._steps.append((LEFT_VALUE, f.attname, f, None))
            elif _plain(f) or f.attname in computed:
                self._steps.append((PLAIN_VALUE, f.attname, f, None))
            elif _saves_as_is(f):
                # Adapted values worth remembering: a spreadsheet repeats its dates row after row.
                remembered = {} if isinstance(f, REMEMBERED) else None
                self._steps.append((ADAPTED_VALUE, f.attname, f, remembered))
            else:
                self._steps.append((SAVED_VALUE, f.attname, f, None))
        # Values are adapted with this connection's operations (they never touch
        # the database); rows are inserted through the running thread's connection.
        self._adapting = connection = connections[using]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def values(self, obj: Model) -> tuple:
        """The row's database values in column order (pre_save runs: this encrypts)."""
        connection = self._adapting
        stored = obj.__dict__
        out = []
        for kind, attname, field, remembered in self._steps:
            if kind == PLAIN_VALUE:
                out.append(stored.get(attname))
            elif kind == ADAPTED_VALUE:
                out.append(self._adapted(field, stored.get(attname), connection, remembered))
            elif kind == LEFT_VALUE:
                out.append(None)
            else:
                value = field.pre_save(obj, True)
                if isinstance(value, PhoneNumber):
                    out.append(value.as_e164)  # what the field stores for a valid number, formatted once
                else:
                    out.append(self._adapted(field, value, connection, None))
        return tuple(out)

    def _adapted(self, field, value, connection, remembered: dict | None):
        if value is None and not isinstance(field, models.JSONField):
            return None  # NULL, whatever the adapter (JSON alone spells it 'null')
        if remembered is None:
            return self._adapt(field, value, connection)
        adapted = remembered.get(value, _MISSING)
        if adapted is _MISSING:
            adapted = self._adapt(field, value, connection)
            if len(remembered) < REMEMBER_AT_MOST:
                remembered[value] = adapted
        return adapted

    @staticmethod
    def _adapt(field, value, connection):
        adapted = field.get_db_prep_save(value, connection)
        # Both drivers take bytes, and bytes cross to the writing process.
        return bytes(adapted) if isinstance(adapted, memoryview) else adapted

    def row(self, **values) -> tuple:
        """A row given by attname (the others NULL), in column order."""
        out = [None] * len(self.attnames)
        for attname, value in values.items():
            out[self.position[attname]] = value
        return tuple(out)

    def insert(self, rows: Iterable[Sequence]) -> None:
        """INSERT the rows (tuples in column order) with one prepared statement."""
        rows = list(rows)
        if not rows:
            return
        with connections[self.using].cursor() as cursor:
            cursor.executemany(self.sql, rows)
