"""Reads of the change feed, narrowed to who asks (see `feed.cursor` for why the
order and the horizon make a cursor that never skips a change)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from accounts.models import User
from customers.selectors import customers_visible_to
from feed import cursor as feed_cursor
from feed.models import TOMBSTONES, Change

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# The lowest transaction id still running when the reading statement started.
HORIZON = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def _scope(user: User) -> Q:
    """The rows `user` may read: those of a customer they see now (the customers'
    own scope, `customers_visible_to`), and the tombstones of their department's
    customers for a role that covers the department (a reviewer no longer sees an
    archived, destroyed or merged customer, but is told it went)."""
    scope = Q(customer_id__in=customers_visible_to(user).values("pk"))
    covers_department = user.has_role_permission("customers.view_department_customers") or user.has_role_permission(
        "customers.review_customer"
    )
    if user.department_id is not None and covers_department:
        scope |= Q(kind__in=TOMBSTONES, department_id=user.department_id)
    return scope


def changes_after(*, user: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> tuple[list[Change], str]:
    """Up to `limit` changes in `user`'s scope after `cursor`, in commit order, and
    the cursor to ask with next (the same one when there is nothing new). Raises
    `feed.cursor.BadCursor`. Two queries at most, whatever the feed's size."""
    xid, last_id = feed_cursor.decode(cursor)
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not user.is_authenticated:
        return [], feed_cursor.encode(xid, last_id)
    rows = Change.objects.filter(Q(xid__gt=xid) | Q(xid=xid, id__gt=last_id)).filter(_scope(user))
    if connection.vendor == "postgresql":
        rows = rows.filter(xid__lt=RawSQL(HORIZON, []))  # noqa: S611 — constant SQL, no input
    page = list(rows.order_by("xid", "id")[:limit])
    if page:
        xid, last_id = page[-1].xid, page[-1].id
    return page, feed_cursor.encode(xid, last_id)
