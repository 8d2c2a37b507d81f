"""Possible duplicates (SPEC §4): the same ID number (through its blind index),
the same mobile, or the same normalised name with the same birth date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Status

RULES = {
    "id_number": _("same ID number"),
    "mobile": _("same mobile"),
    "name_birth": _("same name and date of birth"),
}


@dataclass(frozen=True)
class Duplicate:
    pk: int
    archive_no: str
    status: str
    rule: str

    @property
    def reason(self) -> str:
        return str(RULES[self.rule])


def possible_duplicates(customers: Sequence[Customer]) -> dict[int, list[Duplicate]]:
    """For each of `customers`, the other records that may be the same person or
    organisation. One query for the whole page, whatever its length; every branch
    is served by an index."""
    if not customers:
        return {}
    keys = defaultdict(list)
    condition = Q(pk__in=[])
    for c in customers:
        if c.id_number_index:
            keys[("id_number", c.id_number_index)].append(c.pk)
            condition |= Q(id_number_index=c.id_number_index)
        if c.mobile:
            keys[("mobile", str(c.mobile))].append(c.pk)
            condition |= Q(mobile=c.mobile)
        if c.birth_date:
            keys[("name_birth", (c.name, c.birth_date))].append(c.pk)
            condition |= Q(name=c.name, birth_date=c.birth_date)
    found: dict[int, list[Duplicate]] = defaultdict(list)
    others = (
        Customer.objects.filter(condition)
        .exclude(status=Status.DESTROYED)
        .only("pk", "archive_no", "status", "id_number_index", "mobile", "name", "birth_date")
    )
    for other in others:
        matches = [
            ("id_number", other.id_number_index),
            ("mobile", str(other.mobile) if other.mobile else None),
            ("name_birth", (other.name, other.birth_date) if other.birth_date else None),
        ]
        for rule, key in matches:
            for pk in keys.get((rule, key), []) if key else []:
                if pk != other.pk:
                    found[pk].append(Duplicate(other.pk, other.archive_no, other.status, rule))
    return dict(found)


def duplicates_for_viewer(user, customers: Sequence[Customer]) -> tuple[dict[int, list[Duplicate]], set[int]]:
    """Possible duplicates of each customer, and which of them `user` may open;
    the others are named by archive number only (SPEC §2: no peeking by link)."""
    from customers.selectors import customers_visible_to

    found = possible_duplicates(customers)
    ids = {d.pk for dups in found.values() for d in dups}
    openable = set(customers_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return found, openable
