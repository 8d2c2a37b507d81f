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
        return self.object_list[: self.cap + 1].count()

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
