"""Paging very large tables without scanning them.

Counts are bounded: at most `CAP` rows are counted (`SELECT COUNT(*) FROM (… LIMIT
cap + 1)`), and "10,000+" is the answer beyond it. Pages are bounded too: only the
pages within the counted rows can be opened, so no page costs an OFFSET deeper than
`CAP` rows. Beyond that, a search or a filter narrows the list; nobody pages through a
million customers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


def page_number(value, *, size: int = 50, cap: int = CAP) -> int:
    """A page number from a query string, tolerant of junk (`abc`, `-3`, `10**20`,
    a number a hundred digits long): 1 unless it is a plain positive integer,
    and never past the last page within `cap` rows."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    last = max(1, -(-cap // size))
    if len(text) > len(str(last)):
        return last
    return max(1, min(int(text), last))


class CappedPaginator(Paginator):
    """Django's paginator with a bounded count: `count` is at most `cap + 1`, and
    `capped` says there are more. Page numbers past the counted rows land on the
    last counted page (through `get_page`), so the OFFSET is bounded as well."""

    cap = CAP

    @cached_property
    def count(self) -> int:
        # Up to cap + 1 rows in any order: the same number, without sorting them first.
        rows = self.object_list.order_by() if hasattr(self.object_list, "order_by") else self.object_list
        return len(rows[: self.cap + 1]) if isinstance(rows, list) else rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, self.cap // self.per_page)
        return super().num_pages

    def validate_number(self, number):
        return super().validate_number(page_number(number, size=self.per_page, cap=self.cap))


class KeysFirstPaginator(CappedPaginator):
    """A `CappedPaginator` that pages the primary keys first — a narrow query an
    index can answer by itself (`(department, -created_at, -id, …)` covers the
    list of a department) — and then loads the page's rows by primary key with the
    queryset's `select_related` and `prefetch_related`, in the keys' order. Deep
    pages then cost an index-only walk, not thousands of joined wide rows."""

    def __init__(self, object_list, per_page, **kwargs):
        self.rows = object_list
        super().__init__(object_list.values_list("pk", flat=True), per_page, **kwargs)

    def _get_page(self, keys, number, paginator):
        keys = list(keys)
        loaded = self.rows.model._default_manager.all()
        loaded.query.select_related = self.rows.query.select_related
        loaded = loaded.prefetch_related(*self.rows._prefetch_related_lookups).in_bulk(keys)
        return super()._get_page([loaded[key] for key in keys if key in loaded], number, paginator)
