"""INSERT many rows of a wide model through the driver's `executemany`.

For the customer table (70 columns) and its history, Django's `bulk_create` spends
most of its time compiling SQL value by value; the import writes the same rows
with one prepared statement per table instead. Values still go through each
field's own `pre_save` and `get_db_prep_save` (so encryption, blind indexes,
auto_now and adapters behave exactly as in `save()`); primary keys are taken from
the table's sequence beforehand, so related rows can point at them."""

from __future__ import annotations

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


def _plain(field) -> bool:
    return (
        isinstance(field, PLAIN)
        and not isinstance(field, LONG_WAY)
        and type(field).pre_save is models.Field.pre_save
        and type(field).get_db_prep_save in (models.Field.get_db_prep_save, models.ForeignKey.get_db_prep_save)
        and not isinstance(field, PhoneNumberField)
    )


def _value(field, obj, connection):
    value = field.pre_save(obj, True)
    if isinstance(field, PhoneNumberField) and isinstance(value, PhoneNumber):
        return value.as_e164  # what the field stores, without formatting it twice
    return field.get_db_prep_save(value, connection)


def _row(plan, obj, connection) -> dict:
    values = obj.__dict__
    return {
        attname: (values.get(attname) if plain else _value(field, obj, connection)) for attname, plain, field in plan
    }


def insert_rows(model: type[Model], objs: list[Model], *, using: str = "default") -> list[dict]:
    """Insert `objs` (primary keys set) in one `executemany`; returns each row's
    database values by column attname (for rows that copy them, like history)."""
    connection = connections[using]
    plan = [(f.attname, _plain(f), f) for f in model._meta.concrete_fields]
    rows = [_row(plan, obj, connection) for obj in objs]
    insert_values(model, rows, using=using)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return rows


def insert_values(model: type[Model], rows: list[dict], *, using: str = "default") -> None:
    """Insert rows given as database-ready values by attname (a missing one is NULL)."""
    if not rows:
        return
    connection = connections[using]
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(row.get(f.attname) for f in fields) for row in rows])
