"""The company-wide duplicate sweep (issue 19 item 2): every record that is not
destroyed or merged, in every department, compared only within blocks that
share a folded key — never all pairs.

Each family of keys is one query: the database partitions the live rows by the
key (a window count, one sort) and returns only the rows whose key repeats,
with the values the rules compare. Candidate pairs are made within each block
and judged by `customers.matching.pair_rules`; dismissed pairs are left out.
The cost grows with the table (one sort per family), not with its square."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Greatest, Least, Lower

from customers.duplicates import live_customers
from customers.matching import MATCH_FIELDS, Keys, birth_block, pair_rules, score
from customers.models import Kind
from customers.models.duplicate import DuplicateDismissal

# A block larger than this (a switchboard number shared by hundreds of records)
# is compared only where a stronger key meets within it.
BLOCK_CAP = 200


@dataclass(frozen=True)
class Pair:
    a: int  # the lower primary key
    b: int
    rules: tuple[str, ...]
    score: float


@dataclass
class SweepResult:
    pairs: list[Pair] = field(default_factory=list)
    archive_no: dict[int, str] = field(default_factory=dict)
    department: dict[int, int] = field(default_factory=dict)
    rows_compared: int = 0
    blocks_skipped: int = 0


def _repeating(queryset, *partition) -> Iterator[tuple]:
    """The rows (`MATCH_FIELDS`) whose key — the `partition` expressions — occurs
    more than once: one window count over the table, one sort."""
    rows = (
        queryset.annotate(block=Window(Count("pk"), partition_by=list(partition)))
        .filter(block__gt=1)
        .values_list(*MATCH_FIELDS)
    )
    return rows.iterator(chunk_size=2000)


def _families(live) -> Iterator[tuple[Callable[[Keys], Iterable[tuple]], Iterator[tuple]]]:
    """(the block keys of a record, the rows that may share one) per family."""
    yield (
        lambda k: [(k.id_type, k.id_index)],
        _repeating(live.exclude(id_number_index=""), F("id_type"), F("id_number_index")),
    )
    yield lambda k: [k.mobile], _repeating(live.exclude(mobile=""), F("mobile"))
    yield lambda k: [k.email], _repeating(live.exclude(email=""), Lower("email"))
    individuals = live.filter(kind=Kind.INDIVIDUAL, birth_date__isnull=False).exclude(match_name="")
    month, day = ExtractMonth("birth_date"), ExtractDay("birth_date")
    yield (
        lambda k: [(k.match_name, birth_block(k.birth_date))],
        _repeating(individuals, F("match_name"), ExtractYear("birth_date"), Least(month, day), Greatest(month, day)),
    )
    organizations = live.filter(kind=Kind.ORGANIZATION).exclude(match_name="")
    yield lambda k: [k.match_name], _repeating(organizations, F("match_name"))
    yield (
        lambda k: [(k.match_pinyin, k.match_address)],
        _repeating(live.exclude(match_address=""), F("match_pinyin"), F("match_address")),
    )
    yield (
        lambda k: [(k.match_pinyin, k.phone)],
        _repeating(live.exclude(phone="").exclude(match_pinyin=""), F("match_pinyin"), F("phone")),
    )
    # A mobile typed in another record's phone field: each side found by an index seek.
    crossed = live.filter(
        Q(Exists(live.filter(phone=OuterRef("mobile")).exclude(mobile="")))
        | Q(Exists(live.filter(mobile=OuterRef("phone")).exclude(phone="")))
    )
    yield lambda k: {k.mobile, k.phone} - {""}, crossed.values_list(*MATCH_FIELDS).iterator(chunk_size=2000)


def _keys(row: tuple) -> Keys:
    values = dict(zip(MATCH_FIELDS, row, strict=True))
    return Keys.from_values(
        pk=values["pk"],
        kind=values["kind"],
        id_type=values["id_type"],
        id_index=values["id_number_index"],
        mobile=values["mobile"],
        phone=values["phone"],
        email=values["email"],
        name=values["name"],
        birth_date=values["birth_date"],
        match_name=values["match_name"],
        match_pinyin=values["match_pinyin"],
        match_address=values["match_address"],
    )


def find_duplicate_pairs(*, queryset=None) -> SweepResult:
    """Every possible duplicate pair among the live records (or `queryset`'s)."""
    live = queryset if queryset is not None else live_customers()
    result = SweepResult()
    seen: dict[int, tuple] = {}
    keys: dict[int, Keys] = {}
    candidates: set[tuple[int, int]] = set()
    for block_keys, rows in _families(live):
        blocks: dict[tuple, list[int]] = defaultdict(list)
        for row in rows:
            pk = row[0]
            if pk not in keys:
                seen[pk], keys[pk] = row, _keys(row)
            for key in block_keys(keys[pk]):
                blocks[key].append(pk)
        for members in blocks.values():
            if len(members) > BLOCK_CAP:
                result.blocks_skipped += 1
                continue
            candidates.update(combinations(sorted(set(members)), 2))
    result.rows_compared = len(keys)
    # Dismissals are few (each one a manager's judgement): read them whole.
    dismissed = set(DuplicateDismissal.objects.values_list("first_id", "second_id").iterator())
    for a, b in sorted(candidates):
        if (a, b) in dismissed:
            continue
        rules = pair_rules(keys[a], keys[b])
        if rules:
            result.pairs.append(Pair(a, b, tuple(rules), score(rules)))
    archive_at, department_at = MATCH_FIELDS.index("archive_no"), MATCH_FIELDS.index("department_id")
    for pk, row in seen.items():
        result.archive_no[pk] = row[archive_at]
        result.department[pk] = row[department_at]
    result.pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return result
