"""Where a reader of the change feed stands: a cursor that never skips a change.

The trap: ids come from a sequence when a row is *written*, but rows become visible
when their transaction *commits*. Transaction A takes id 10, B takes id 11 and
commits first; a reader who then reads "after 9" sees 11 and moves its cursor to 11
— when A commits, 10 is behind the cursor and lost for good. Ordering by time has
the same hole.

PostgreSQL. Each feed row carries its writer's transaction id (`xid`,
`pg_current_xact_id()`, 64 bits, never wrapping). A reader is given only rows whose
xid is below its snapshot's xmin (`pg_snapshot_xmin(pg_current_snapshot())`): every
transaction with an xid below xmin has ended, and any transaction that has not yet
got an xid will get one at or above it. So the rows below xmin are final — no row
can appear there later — and ordering them by (xid, id) gives every reader the same
order. A cursor (xid, id) therefore means "everything at or before this point, in
that order", and nothing can ever be added before it. The price: a change is held
back while any older transaction of the server is still open (a long transaction,
in any database of the cluster, delays the feed — it never makes it skip).

SQLite. Writers are serialised (one write transaction at a time), and the ids are
AUTOINCREMENT (never reused), so id order is commit order. The rows are written with
xid 0 and the same cursor shape (0, id) is used.

A cursor is data, not server state: base64 (URL-safe) of "v1:<xid>:<id>". It
survives restarts, new connections and new secret keys; a reader who edits one can
only move their own position (the scope is applied on every read). A cursor that
does not decode is a `BadCursor` (the API answers 400)."""

from __future__ import annotations

import base64
import binascii
import re

from django.utils.translation import gettext_lazy as _

START = (0, 0)
_SHAPE = re.compile(r"v1:(\d{1,19}):(\d{1,19})")
_MAX = 2**63 - 1


class BadCursor(ValueError):
    message = _("The cursor is not one this feed gave out.")


def encode(xid: int, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{xid}:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> tuple[int, int]:
    """The (xid, id) a cursor stands at; no cursor (or an empty one) is the start."""
    if not cursor:
        return START
    if len(cursor) > 64:
        raise BadCursor(cursor[:16])
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError) as exc:
        raise BadCursor(cursor[:16]) from exc
    match = _SHAPE.fullmatch(text)
    if not match:
        raise BadCursor(cursor[:16])
    xid, last_id = int(match[1]), int(match[2])
    if xid > _MAX or last_id > _MAX:
        raise BadCursor(cursor[:16])
    return xid, last_id
