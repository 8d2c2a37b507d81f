"""Possible duplicates (SPEC §4, issue 19): the rules of `customers.matching`,
each found through an index — the ID number's blind index, the phone columns,
the folded e-mail, the folded name with the birth date (or its day-month swap),
the pinyin with the address key — then explained pair by pair.

A pair dismissed as "not the same customer" (`DuplicateDismissal`) is not
reported again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower

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


def candidates_condition(keys: Keys) -> Q:
    """Every index-served lookup that can find a record matching `keys`."""
    condition = Q(pk__in=[])
    if keys.id_index:
        condition |= Q(id_number_index=keys.id_index)
    phones = [p for p in (keys.mobile, keys.phone) if p]
    if phones:
        condition |= Q(mobile__in=phones)
    if keys.mobile:
        condition |= Q(phone=keys.mobile)  # our mobile typed in their phone field
    if keys.phone and keys.match_pinyin:
        # A shared phone only counts with the same pinyin: a switchboard or a family's
        # landline shared by many records is never read whole.
        condition |= Q(phone=keys.phone, match_pinyin=keys.match_pinyin)
    if keys.email:
        condition |= Q(email_folded=keys.email)
    if keys.match_name and keys.kind == "organization":
        condition |= Q(match_name=keys.match_name)
    elif keys.match_name and keys.birth_date:
        dates = [d for d in (keys.birth_date, swapped(keys.birth_date)) if d]
        condition |= Q(match_name=keys.match_name, birth_date__in=dates)
    if keys.match_pinyin and keys.match_address:
        condition |= Q(match_pinyin=keys.match_pinyin, match_address=keys.match_address)
    return condition


def live_customers():
    return Customer.objects.exclude(status__in=GONE).alias(email_folded=Lower("email")).order_by()


ROWS_PER_QUERY = 100  # SQLite nests ORs at most 1,000 deep; each row adds up to seven


def matches_for(keys: Sequence[Keys], *, rows_per_query: int = ROWS_PER_QUERY) -> list[list[Duplicate]]:
    """For each of `keys` (stored records or rows not yet written: `pk` None), the
    live records that may be the same customer, strongest first, dismissed pairs
    left out. One query per `rows_per_query` keys, every branch an index seek."""
    found: list[list[Duplicate]] = [[] for _ in keys]
    for start in range(0, len(keys), rows_per_query):
        chunk = keys[start : start + rows_per_query]
        condition = Q(pk__in=[])
        for k in chunk:
            condition |= candidates_condition(k)
        for other in live_customers().filter(condition).only(*MATCH_FIELDS):
            theirs = Keys.of(other)
            for offset, mine in enumerate(chunk):
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
