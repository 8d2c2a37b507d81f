"""Possible duplicates of imported rows (SPEC §4, issue 19): the same ID number
(through its blind index) refuses a row; every other rule of
`customers.matching` (the same mobile, a mobile typed as a phone, the e-mail
case-folded, the folded name with the birth date or its day-month swap, an
organisation's core name, the pinyin with a shared contact) flags it for the
reviewer, with its reasons. Within a batch (exact keys), against the database
(index seeks, `PEOPLE_PER_QUERY` rows a query), and — for the check of a whole
file — through compact fingerprints of every row."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator

from django.utils.translation import gettext as _

from bulk.checking import Checked, RowChecker
from customers.duplicates import Duplicate, matches_for
from customers.matching import Keys
from customers.selectors import customers_visible_to

PEOPLE_PER_QUERY = 500  # rows a candidate query (customers.duplicates: one IN per rule)


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
    def in_database(rows: list[Checked], checker: RowChecker, *, viewer=None) -> None:
        """Each good row against the live records, by every rule of
        `customers.matching` (one query per `PEOPLE_PER_QUERY` rows, all index
        seeks). The same ID number refuses the row; any other match flags it with
        its reasons. A record outside `viewer`'s scope is not named."""
        candidates = [r for r in rows if r.good]
        if not candidates:
            return
        found = matches_for([_keys(r) for r in candidates], rows_per_query=PEOPLE_PER_QUERY)
        ids = {d.pk for dups in found for d in dups}
        openable = _openable(viewer, ids)
        for row, dups in zip(candidates, found, strict=True):
            twin = next((d for d in dups if "id_number" in d.rules), None)
            if twin:
                row.problems.append(
                    (
                        checker.column("id_number"),
                        _("A customer with this ID number already exists: %(archive_no)s.")
                        % {"archive_no": _named(twin, openable)},
                    )
                )
                continue
            for dup in dups:
                row.warnings.append(_warning(dup, _named(dup, openable), checker))


def _keys(row: Checked) -> Keys:
    return Keys.from_values(
        pk=None,
        kind=row.kind,
        id_type=row.id_type,
        id_index=row.id_index,
        mobile=row.mobile,
        phone=row.phone,
        email=row.email,
        name=row.name,
        birth_date=row.birth_date,
        match_name=row.match_name,
        match_pinyin=row.match_pinyin,
        match_address=row.match_address,
    )


def _openable(viewer, ids: set[int]) -> set[int]:
    if viewer is None or not ids:
        return set()
    return set(customers_visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))


def _named(dup: Duplicate, openable: set[int]) -> str:
    return dup.archive_no if dup.pk in openable else _("a record outside your access")


# The column a rule's warning stands beside.
RULE_COLUMNS = {
    "mobile": "mobile",
    "mobile_in_phone": "phone",
    "email": "email",
    "name_birth": "name",
    "name_birth_swapped": "birth_date",
    "organization_name": "name",
    "pinyin_contact": "name",
}


def _warning(dup: Duplicate, named: str, checker: RowChecker) -> tuple[str, str]:
    rule = dup.rules[0]
    if dup.rules == ("mobile",):
        message = _("Same mobile as %(archive_no)s.") % {"archive_no": named}
    elif dup.rules == ("name_birth",):
        message = _("Same name and date of birth as %(archive_no)s.") % {"archive_no": named}
    else:
        message = _("Possibly the same customer as %(archive_no)s: %(reasons)s (score %(score).2f).") % {
            "archive_no": named,
            "reasons": dup.reason,
            "score": dup.score,
        }
    return checker.column(RULE_COLUMNS.get(rule, "name")), message


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
