"""Possible duplicates of imported rows (SPEC §4): the same ID number (through
its blind index) refuses a row; the same mobile, or the same name with the same
date of birth, flags it for the reviewer. Within a batch, against the database
(three indexed queries a batch), and — for the check of a whole file — through
compact fingerprints of every row."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator
from datetime import date

from django.db import connections
from django.db.models import CharField, ExpressionWrapper, F
from django.utils.translation import gettext as _

from bulk.checking import Checked, RowChecker
from customers.models import Customer, Status

PEOPLE_PER_QUERY = 400


def _short(*parts) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


class Duplicates:
    """Within one batch (with the earlier row's number) and against the database
    (one query per batch per rule, all indexed). When importing, the file's earlier
    batches are in the database already; when checking, `Fingerprints` covers them."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}
        self.mobiles: dict[int, int] = {}
        self.people: dict[int, int] = {}

    def in_file(self, row: Checked, checker: RowChecker) -> None:
        if row.id_index:
            first = self.ids.setdefault(_short(row.id_type, row.id_index), row.number)
            if first != row.number:
                row.problems.append(
                    (checker.column("id_number"), _("The same ID number is already on row %(row)s.") % {"row": first})
                )
        if row.mobile:
            first = self.mobiles.setdefault(_short(row.mobile), row.number)
            if first != row.number:
                row.warnings.append((checker.column("mobile"), _("Same mobile as row %(row)s.") % {"row": first}))
        if row.birth_date:
            first = self.people.setdefault(_short(row.name, row.birth_date), row.number)
            if first != row.number:
                row.warnings.append(
                    (checker.column("name"), _("Same name and date of birth as row %(row)s.") % {"row": first})
                )

    @staticmethod
    def in_database(rows: list[Checked], checker: RowChecker) -> None:
        candidates = [r for r in rows if r.good]
        if not candidates:
            return
        indexes = {r.id_index for r in candidates if r.id_index}
        mobiles = {r.mobile for r in candidates if r.mobile}
        live = Customer.objects.exclude(status=Status.DESTROYED).order_by()
        by_id = (
            {
                (t, i): a
                for t, i, a in live.filter(id_number_index__in=indexes).values_list(
                    "id_type", "id_number_index", "archive_no"
                )
            }
            if indexes
            else {}
        )
        # The stored E.164 spellings compared as text: no phone number parsed again.
        by_mobile = (
            dict(
                live.annotate(stored_mobile=ExpressionWrapper(F("mobile"), output_field=CharField()))
                .filter(stored_mobile__in=mobiles)
                .values_list("stored_mobile", "archive_no")
            )
            if mobiles
            else {}
        )
        by_person = _same_people({(r.name, r.birth_date) for r in candidates if r.birth_date})
        for row in candidates:
            twin = by_id.get((row.id_type, row.id_index))
            if twin:
                row.problems.append(
                    (
                        checker.column("id_number"),
                        _("A customer with this ID number already exists: %(archive_no)s.") % {"archive_no": twin},
                    )
                )
                continue
            twin = by_mobile.get(row.mobile) if row.mobile else None
            if twin:
                row.warnings.append(
                    (checker.column("mobile"), _("Same mobile as %(archive_no)s.") % {"archive_no": twin})
                )
            if row.birth_date and (row.name, row.birth_date) in by_person:
                row.warnings.append(
                    (
                        checker.column("name"),
                        _("Same name and date of birth as %(archive_no)s.")
                        % {"archive_no": by_person[(row.name, row.birth_date)]},
                    )
                )


def _same_people(pairs: set[tuple[str, date]]) -> dict[tuple[str, date], str]:
    """(name, date of birth) → archive number of a live customer with both.

    One index seek per pair on (name, birth_date): `name IN … AND birth_date
    IN …` would probe every name with every date, and the ORM takes longer to
    compile hundreds of `Q` pairs than the database takes to answer them."""
    connection = connections["default"]
    meta, quote = Customer._meta, connection.ops.quote_name
    name, birth_date, archive_no, status = (
        quote(meta.get_field(f).column) for f in ("name", "birth_date", "archive_no", "status")
    )
    field = meta.get_field("birth_date")
    found = {}
    pairs = list(pairs)
    for start in range(0, len(pairs), PEOPLE_PER_QUERY):  # SQLite nests ORs at most 1,000 deep
        chunk = pairs[start : start + PEOPLE_PER_QUERY]
        either = " OR ".join([f"({name} = %s AND {birth_date} = %s)"] * len(chunk))
        sql = (
            f"SELECT {name}, {birth_date}, {archive_no} FROM {quote(meta.db_table)} "  # noqa: S608 — names from the model
            f"WHERE {status} <> %s AND ({either})"
        )
        params = [Status.DESTROYED]
        for person, born in chunk:
            params += [person, connection.ops.adapt_datefield_value(born)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for person, born, number in cursor.fetchall():
                found[(person, field.to_python(born))] = number
    return found


class Fingerprints:
    """The check's view of the whole file: 8-byte fingerprints and row numbers in
    flat arrays (12 bytes a row a rule: a million rows take about 36 MB), matched
    once at the end by sorting."""

    RULES = ("id", "mobile", "person")

    def __init__(self) -> None:
        self.keys = {rule: array("q") for rule in self.RULES}
        self.rows = {rule: array("I") for rule in self.RULES}

    def add(self, row: Checked) -> None:
        if row.id_index:
            self._add("id", _short(row.id_type, row.id_index), row.number)
        if row.mobile:
            self._add("mobile", _short(row.mobile), row.number)
        if row.birth_date:
            self._add("person", _short(row.name, row.birth_date), row.number)

    def _add(self, rule: str, key: int, number: int) -> None:
        self.keys[rule].append(key - (1 << 63))  # into the signed 64-bit range
        self.rows[rule].append(number)

    def repeats(self, rule: str) -> Iterator[tuple[int, int]]:
        """(row, the earlier row it repeats), for every later occurrence."""
        keys, rows = self.keys[rule], self.rows[rule]
        order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: earlier rows first
        previous_key, first = None, 0
        for index in order:
            if keys[index] == previous_key:
                yield rows[index], first
            else:
                previous_key, first = keys[index], rows[index]
