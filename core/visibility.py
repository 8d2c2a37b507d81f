"""One row the user may see, or a 404.

Every app's `rights` module builds its "visible object or 404" helper on this
(`customers.rights.customer_for`, `transactions.rights.transaction_for`, ...):
a row out of the user's scope, a missing row and an id that is not a number all
answer the same 404, so a page never hints that a record exists."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404


def visible_or_404(rows: QuerySet, pk) -> Model:
    """The row of `rows` (already narrowed to the user's scope) with this id."""
    try:
        return rows.get(pk=int(pk))
    except (rows.model.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404 from exc
