"""The feed's cursor: opaque, data only, and a cursor the feed never gave out is refused."""

from __future__ import annotations

import base64
import random
import threading
import time

import pytest
from django.db import connection, connections, transaction

from customers.models import Customer
from feed import cursor as feed_cursor
from feed.models import Change
from feed.selectors import changes_after
from tests.feed.conftest import approved, read_all, seen

FEED = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WAIT = 180  # seconds: generous, on a machine shared with seven other test runs


def test_a_cursor_reads_back_as_the_position_it_was_made_from():
    for xid, last_id in ((0, 0), (0, 17), (2**40 + 5, 123_456_789), (2**63 - 1, 2**63 - 1)):
        made = feed_cursor.encode(xid, last_id)
        assert feed_cursor.decode(made) == (xid, last_id)
        assert made.isascii() and "=" not in made and "/" not in made and "+" not in made


def test_no_cursor_is_the_start_of_the_feed():
    assert feed_cursor.decode(None) == feed_cursor.decode("") == (0, 0)


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "!!!!",
        "游标",
        base64.urlsafe_b64encode(b"v1:-1:2").decode(),
        base64.urlsafe_b64encode(b"v2:1:2").decode(),
        base64.urlsafe_b64encode(b"v1:1").decode(),
        base64.urlsafe_b64encode(b"v1:99999999999999999999:1").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "A" * 65,
    ],
)
def test_a_cursor_the_feed_never_gave_out_is_refused(cursor):
    with pytest.raises(feed_cursor.BadCursor):
        feed_cursor.decode(cursor)


@FEED
def test_on_sqlite_the_order_is_the_id_order_and_on_postgresql_the_writers_transaction_order(clerk, reviewer, manager):
    for n in range(3):
        approved(clerk, reviewer, n=n)

    rows, _ = read_all(manager, limit=2)
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert len(rows) == Change.objects.count() == 9
    if connection.vendor == "postgresql":
        assert [(r.xid, r.id) for r in rows] == sorted((r.xid, r.id) for r in rows)
        assert len({r.xid for r in rows}) == 9  # the factory, submit and approve commit one by one
    else:
        assert {r.xid for r in rows} == {0}


@FEED
def test_a_cursor_survives_a_restart_new_connections_read_on_from_it(clerk, reviewer, manager):
    first = approved(clerk, reviewer, n=1)
    _, cursor = read_all(manager)
    connections.close_all()  # the server goes away; the cursor is all the reader kept

    second = approved(clerk, reviewer, n=2)
    connections.close_all()
    rows, _ = read_all(manager, cursor)

    assert {r.customer_id for r in rows} == {second.pk} and first.pk != second.pk
    assert seen(rows) == [
        ("customer", second.pk, "created"),
        ("customer", second.pk, "updated"),
        ("customer", second.pk, "approved"),
    ]


@FEED
def test_nothing_new_gives_back_the_same_cursor(clerk, reviewer, manager):
    approved(clerk, reviewer)
    _, cursor = read_all(manager)

    assert changes_after(user=manager, cursor=cursor, limit=10) == ([], cursor)


def _stage(pk: int, stage: str) -> None:
    """A change no report summary counts: the writers of two customers take no common row lock."""
    Customer.objects.filter(pk=pk).update(lifecycle_stage=stage)


@FEED
def test_a_change_committed_late_by_the_writer_that_took_the_lower_id_is_neither_skipped_nor_repeated(
    clerk, reviewer, manager
):
    """PostgreSQL: the slow writer takes the lower id, the fast one commits first,
    while the reader reads. SQLite serialises the writers (the fast one waits for the
    slow one to commit), so there the same story has the commits in id order."""
    slow_customer, fast_customer = approved(clerk, reviewer, n=1), approved(clerk, reviewer, n=2)
    _, cursor = read_all(manager)
    took_id, may_commit, errors = threading.Event(), threading.Event(), []

    def slow() -> None:
        try:
            with transaction.atomic():
                _stage(slow_customer.pk, "active")
                took_id.set()
                assert may_commit.wait(timeout=WAIT)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def fast() -> None:
        try:
            with transaction.atomic():
                _stage(fast_customer.pk, "dormant")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    slow_writer, fast_writer = threading.Thread(target=slow), threading.Thread(target=fast)
    slow_writer.start()
    assert took_id.wait(timeout=WAIT)
    fast_writer.start()
    if connection.vendor == "postgresql":
        fast_writer.join(timeout=WAIT)
        assert not fast_writer.is_alive()  # committed, while the slow writer is still open
        assert Change.objects.filter(customer_id=fast_customer.pk).latest("id").kind == "updated"
    # While the slow writer is open the reader is given nothing past it, and keeps its cursor.
    page, held = changes_after(user=manager, cursor=cursor, limit=10)
    assert page == [] and held == cursor

    may_commit.set()
    slow_writer.join(timeout=WAIT)
    fast_writer.join(timeout=WAIT)
    assert errors == []

    rows, cursor = read_all(manager, held)
    assert [(r.customer_id, r.kind) for r in rows] == [(slow_customer.pk, "updated"), (fast_customer.pk, "updated")]
    assert read_all(manager, cursor)[0] == []
    assert rows[0].id < rows[1].id  # the slow writer took the lower id, and committed last


@FEED
def test_a_reader_paging_through_concurrent_writers_gets_every_change_once(clerk, reviewer, manager):
    customers = [approved(clerk, reviewer, n=n).pk for n in range(3)]
    _, cursor = read_all(manager)
    before = Change.objects.latest("id").id
    errors: list = []
    stages = ("active", "dormant", "former")

    def write(pk: int, seed: int) -> None:
        chance = random.Random(seed)
        try:
            for n in range(6):
                with transaction.atomic():
                    _stage(pk, stages[n % 3])
                    time.sleep(chance.random() / 200)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(pk, pk)) for pk in customers]
    for writer in writers:
        writer.start()
    delivered: list[int] = []
    while any(w.is_alive() for w in writers):
        page, cursor = changes_after(user=manager, cursor=cursor, limit=2)
        delivered += [r.id for r in page]
    for writer in writers:
        writer.join()
    rows, _ = read_all(manager, cursor)
    delivered += [r.id for r in rows]

    assert errors == []
    written = set(Change.objects.filter(id__gt=before).values_list("id", flat=True))
    assert len(delivered) == len(set(delivered)) == 18  # no repeat
    assert set(delivered) == written  # no gap
