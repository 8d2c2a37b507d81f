"""A paginator for very large tables: it counts at most `cap` rows (a bounded
`SELECT COUNT(*) FROM (… LIMIT cap)`), so an admin changelist never scans a
whole table just to print "1,234,567 customers"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


MAX_PAGE = 100_000


def page_number(value, *, last: int = MAX_PAGE) -> int:
    """The page a query string asks for: junk (`abc`, `1e99`, `²`), zero or a negative
    number is page 1; a number past `last` (10^20 would overflow the database's
    OFFSET) is `last`."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return last if text.isascii() and text.isdigit() else 1
    return min(max(1, int(text)), last)
