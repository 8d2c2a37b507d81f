"""Possible duplicates (SPEC §4, issue 19): the rules of `customers.matching`,
each found through an index — the ID number's blind index, the phone columns,
the folded e-mail, the folded name with the birth date (or its day-month swap),
the pinyin with the address key — then explained pair by pair.

A pair dismissed as "not the same customer" (`DuplicateDismissal`) is not
reported again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.lookups import In

from customers.matching import MATCH_FIELDS, Keys, explain, pair_rules, score, swapped
from customers.models import Customer, Status
from customers.models.duplicate import DuplicateDismissal, dismissed_pairs

GONE = (Status.DESTROYED, Status.MERGED)


@dataclass(frozen=True)
class Duplicate:
    pk: int
    archive_no: str
    status: str
    rules: tuple[str, ...]
    score: float
    department_id: int | None = None

    @property
    def rule(self) -> str:
        return self.rules[0]

    @property
    def reason(self) -> str:
        return explain(list(self.rules))


def candidates_condition(keys: Sequence[Keys]) -> Q:
    """Every index-served lookup that can find a record matching one of `keys`:
    one `IN` per rule for the whole chunk (a branch over two columns: an `IN` of
    row values), so the condition has the same few branches for 1 row or 500 (a
    branch per row made Django build, and SQLite parse, an OR of thousands of
    lookups). `pair_rules` then checks each candidate against the rows it
    shares a value with."""

    def each(*values) -> list:
        return sorted({v for v in values if v})

    ids = each(*(k.id_index for k in keys))
    phones = each(*(k.mobile for k in keys), *(k.phone for k in keys))
    mobiles = each(*(k.mobile for k in keys))
    landlines = [k for k in keys if k.phone and k.match_pinyin]
    emails = each(*(k.email for k in keys))
    organisations = each(*(k.match_name for k in keys if k.kind == "organization"))
    people = [k for k in keys if k.kind != "organization" and k.match_name and k.birth_date]
    places = [k for k in keys if k.match_pinyin and k.match_address]
    condition = Q(pk__in=[])
    if ids:
        condition |= Q(id_number_index__in=ids)
    if phones:
        condition |= Q(_stored_in("mobile", phones))
    if mobiles:
        condition |= Q(_stored_in("phone", mobiles))  # our mobile typed in their phone field
    if landlines:
        # A shared phone only counts with the same pinyin: a switchboard or a family's
        # landline shared by many records is never read whole.
        condition |= Q(_pairs_in(("phone", "match_pinyin"), {(k.phone, k.match_pinyin) for k in landlines}))
    if emails:
        condition |= Q(email_folded__in=emails)
    if organisations:
        condition |= Q(match_name__in=organisations)
    if people:
        named = {(k.match_name, d) for k in people for d in (k.birth_date, swapped(k.birth_date)) if d}
        condition |= Q(_pairs_in(("match_name", "birth_date"), named))
    if places:
        condition |= Q(
            _pairs_in(("match_pinyin", "match_address"), {(k.match_pinyin, k.match_address) for k in places})
        )
    return condition


def _pairs_in(columns: tuple[str, str], pairs: set[tuple]) -> RawSQL:
    """`(a, b) IN (VALUES (…), …)`: the exact pairs, one index seek each (SQLite
    and PostgreSQL both read row values). Asking for each column's values
    separately would return their cross product (and SQLite would probe it)."""
    table = connection.ops.quote_name(Customer._meta.db_table)
    left = ", ".join(f"{table}.{connection.ops.quote_name(c)}" for c in columns)
    ordered = sorted(pairs, key=str)
    values = ", ".join(["(%s, %s)"] * len(ordered))
    params = [v for pair in ordered for v in pair]
    return RawSQL(f"({left}) IN (VALUES {values})", params, output_field=BooleanField())  # noqa: S611 — our column names; values as parameters


def _stored_in(column: str, values: list[str]) -> In:
    """`column IN values` for a phone column, the values already in the stored
    E.164 form (`Keys`): compared as text, so Django does not parse every number
    again to prepare it (a few hundred numbers a query)."""
    return In(ExpressionWrapper(F(column), output_field=CharField()), values)


def live_customers():
    return Customer.objects.exclude(status__in=GONE).alias(email_folded=Lower("email")).order_by()


ROWS_PER_QUERY = 500  # keys a candidate query (a few hundred values in each IN)


def _compared(k: Keys) -> tuple[tuple[str, str], ...]:
    """The values a rule compares (a phone in either field is one kind, "contact")."""
    return (
        ("id", k.id_index),
        ("contact", k.mobile),
        ("contact", k.phone),
        ("email", k.email),
        ("name", k.match_name),
        ("pinyin", k.match_pinyin),
    )


class _Chunk:
    """The chunk's keys by every value a rule compares, so a candidate is
    checked against the keys it shares a value with, not against all of them."""

    def __init__(self, keys: Sequence[Keys]) -> None:
        self.by: dict[tuple[str, str], list[int]] = {}
        for offset, k in enumerate(keys):
            for name, value in _compared(k):
                if value:
                    self.by.setdefault((name, value), []).append(offset)

    def sharing(self, other: Keys) -> set[int]:
        found: set[int] = set()
        for name, value in _compared(other):
            if value:
                found.update(self.by.get((name, value), ()))
        return found


def matches_for(keys: Sequence[Keys], *, rows_per_query: int = ROWS_PER_QUERY) -> list[list[Duplicate]]:
    """For each of `keys` (stored records or rows not yet written: `pk` None), the
    live records that may be the same customer, strongest first, dismissed pairs
    left out. One query per `rows_per_query` keys, every branch an index seek."""
    found: list[list[Duplicate]] = [[] for _ in keys]
    for start in range(0, len(keys), rows_per_query):
        chunk = keys[start : start + rows_per_query]
        index = _Chunk(chunk)
        for other in live_customers().filter(candidates_condition(chunk)).only(*MATCH_FIELDS):
            theirs = Keys.of(other)
            for offset in sorted(index.sharing(theirs)):
                mine = chunk[offset]
                if mine.pk == other.pk:
                    continue
                rules = pair_rules(mine, theirs)
                if rules:
                    found[start + offset].append(
                        Duplicate(
                            other.pk, other.archive_no, other.status, tuple(rules), score(rules), other.department_id
                        )
                    )
    stored = {(k.pk, d.pk) for k, dups in zip(keys, found, strict=True) if k.pk for d in dups}
    dismissed = dismissed_pairs(stored) if stored else set()
    return [
        sorted(
            (d for d in dups if not k.pk or DuplicateDismissal.key(k.pk, d.pk) not in dismissed),
            key=lambda d: -d.score,
        )
        for k, dups in zip(keys, found, strict=True)
    ]


def possible_duplicates(customers: Sequence[Customer]) -> dict[int, list[Duplicate]]:
    """For each of `customers`, the other records that may be the same person or
    organisation, strongest first. For a page of 50, one query (and one for
    dismissals when anything is found), every branch served by an index."""
    if not customers:
        return {}
    found = matches_for([Keys.of(c) for c in customers])
    return {c.pk: dups for c, dups in zip(customers, found, strict=True) if dups}


def duplicates_for_viewer(user, customers: Sequence[Customer]) -> tuple[dict[int, list[Duplicate]], set[int]]:
    """Possible duplicates of each customer, and which of them `user` may open;
    the others are shown only as "a record exists elsewhere" (no archive number:
    that would tell a clerk which records exist outside their scope)."""
    from customers.selectors import customers_visible_to

    found = possible_duplicates(customers)
    ids = {d.pk for dups in found.values() for d in dups}
    openable = set(customers_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return found, openable


def duplicate_pairs_visible_to(user):
    """The stored pairs (the last sweep's) with a record of the user's department,
    for a manager who handles duplicates; nothing for anyone else."""
    from customers.models import DuplicatePair
    from customers.rights import may_handle_duplicates

    if not may_handle_duplicates(user):
        return DuplicatePair.objects.none()
    department = user.department_id
    return (
        DuplicatePair.objects.filter(Q(first__department_id=department) | Q(second__department_id=department))
        .select_related("first", "second")
        .order_by("-score", "first_id", "second_id")
    )


def merge_requests_visible_to(user):
    """Merge requests of the user's department, for those who propose or decide them."""
    from customers.models import MergeRequest
    from customers.rights import is_security_officer

    allowed = user.is_authenticated and user.department_id is not None and not is_security_officer(user)
    if not allowed or not (
        user.has_role_permission("customers.handle_duplicates") or user.has_role_permission("customers.review_customer")
    ):
        return MergeRequest.objects.none()
    return MergeRequest.objects.filter(survivor__department_id=user.department_id).select_related(
        "survivor", "merged", "entered_by", "reviewed_by", "second_reviewed_by"
    )


def differing_fields(first: Customer, second: Customer) -> list[str]:
    """The mergeable fields whose values differ (ID and bank numbers compared by
    their blind indexes, nothing decrypted)."""
    from customers.services.merge import mergeable_fields

    def value(c: Customer, name: str):
        return getattr(c, f"{name}_index") if name in Customer.S3_FIELDS else getattr(c, name)

    return [
        n for n in mergeable_fields() if value(first, n) != value(second, n) and (value(first, n) or value(second, n))
    ]
