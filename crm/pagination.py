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
