"""Filters, sorts and columns that apps above customers add to the customer list.

The list is the customers app's page, but some of what it is filtered and
sorted by is known only higher up (insight's value class, scores and
completeness, issue 20). Customers never imports those apps (the layers in
pyproject.toml): they register their options here from their `ready()`, and the
list view asks this registry. A registry rather than moving the list up a layer:
the list's search, scope and S3 lookup rules stay in one app, and the page works
the same with no option registered.

Each option gets the visible, already searched queryset and returns it narrowed
or ordered with a join or a subquery — never a query per row — so the page keeps
a fixed number of queries at any size. A column answers for a whole page at once
(one query for the page's primary keys). Unknown keys from the address are
ignored, never an error."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class ListOption:
    key: str  # its value in the address (?show=… or ?sort=…)
    label: Any  # lazily translated
    apply: Callable[[QuerySet], QuerySet]
    note: Any = ""  # shown above the list while the option is chosen (what it leaves out)


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: Any
    values: Callable[[list[int]], dict[int, Any]]  # the page's pks → what to show for each


_FILTERS: dict[str, ListOption] = {}
_SORTS: dict[str, ListOption] = {}
_COLUMNS: dict[str, ListColumn] = {}


def filter_register(option: ListOption) -> None:
    _FILTERS[option.key] = option


def sort_register(option: ListOption) -> None:
    _SORTS[option.key] = option


def column_register(column: ListColumn) -> None:
    _COLUMNS[column.key] = column


def filters() -> list[ListOption]:
    return list(_FILTERS.values())


def sorts() -> list[ListOption]:
    return list(_SORTS.values())


def chosen(show: str, sort: str) -> tuple[str, str]:
    """The keys from the address that name a registered option ("" otherwise)."""
    return (show if show in _FILTERS else "", sort if sort in _SORTS else "")


def notes(*, show: str = "", sort: str = "") -> list[Any]:
    """What the chosen options say about the rows they leave out."""
    show, sort = chosen(show, sort)
    options = [_FILTERS.get(show), _SORTS.get(sort)]
    return [option.note for option in options if option is not None and option.note]


def applied(customers: QuerySet, *, show: str = "", sort: str = "") -> QuerySet:
    show, sort = chosen(show, sort)
    if show:
        customers = _FILTERS[show].apply(customers)
    if sort:
        customers = _SORTS[sort].apply(customers)
    return customers


def column_values(pks: Iterable[int]) -> list[tuple[ListColumn, dict[int, Any]]]:
    """Each registered column with its values for these rows (one query per column)."""
    pks = list(pks)
    return [(column, column.values(pks) if pks else {}) for column in _COLUMNS.values()]
