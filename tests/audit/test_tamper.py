"""The access log against the database's own owner: a keyed chain, checkpoints kept
outside the database, and TRUNCATE refused; approved transactions frozen whole."""

from __future__ import annotations

import hashlib
import io
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Max

from audit import chain, triggers
from audit.models import GENESIS, AccessLog, AccessLogHead
from audit.services import access_log_record, access_log_verify


def _as_owner(*statements: tuple[str, list]) -> None:
    """As the database's owner would: lift the triggers, run the SQL, restore them."""
    with connection.cursor() as cursor:
        for statement in triggers.remove(connection):
            cursor.execute(statement)
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            for statement in triggers.install(connection):
                cursor.execute(statement)


@pytest.fixture
def log(settings, clerk, django_capture_on_commit_callbacks):
    """Twelve entries with a checkpoint every four (entries #4, #8, #12)."""
    settings.CRM_AUDIT_CHECKPOINT_EVERY = 4
    chain._last_written["at"] = float("inf")  # only the every-N rule, for exact expectations
    try:
        with django_capture_on_commit_callbacks(execute=True):
            entries = [access_log_record(action="login", actor=clerk, detail={"n": n}) for n in range(12)]
    finally:
        chain._last_written["at"] = float("-inf")
    return entries


def _checkpoint_ids() -> list[int]:
    return [point.id for point in chain.read_checkpoints()]


@pytest.mark.django_db
def test_entries_are_chained_with_the_key_not_a_plain_hash(log):
    first = log[0]
    assert first.hash == chain.keyed_hash(first.canonical())
    assert first.hash != hashlib.sha256(first.canonical().encode()).hexdigest()
    assert access_log_verify().ok


@pytest.mark.django_db
def test_nothing_is_vouched_for_before_the_entry_commits(settings, clerk, caplog):
    settings.CRM_AUDIT_CHECKPOINT_EVERY = 3
    chain._last_written["at"] = float("inf")
    try:
        with caplog.at_level(logging.INFO, logger="custodian.audit"):
            for _ in range(7):
                with transaction.atomic():
                    access_log_record(action="login", actor=clerk)
    finally:
        chain._last_written["at"] = float("-inf")
    # The test's transaction never commits, so nothing is vouched for yet.
    assert _checkpoint_ids() == []
    assert "checkpoint" not in caplog.text


@pytest.mark.django_db
def test_checkpoints_are_written_after_commit_with_their_mac(log, caplog):
    assert _checkpoint_ids() == [4, 8, 12]
    lines = chain.read_checkpoints()
    assert lines[-1].hash == log[-1].hash and lines[-1].count == 12
    logged = [r.getMessage() for r in caplog.get_records("setup") if r.name == "custodian.audit"]
    assert len(logged) == 3 and chain.parse_checkpoints(logged)[-1].id == 12


@pytest.mark.django_db
def test_a_checkpoint_is_written_hourly_whatever_the_count(settings, clerk, django_capture_on_commit_callbacks):
    settings.CRM_AUDIT_CHECKPOINT_EVERY = 1000
    chain._last_written["at"] = float("-inf")  # the last checkpoint of this process is more than an hour old
    with django_capture_on_commit_callbacks(execute=True):
        entry = access_log_record(action="login", actor=clerk)
        later = access_log_record(action="logout", actor=clerk)
    assert _checkpoint_ids() == [entry.id]
    assert later.id not in _checkpoint_ids()


@pytest.mark.django_db
def test_the_database_refuses_truncate_and_a_delete_of_every_row(log):
    statement = "TRUNCATE audit_accesslog" if connection.vendor == "postgresql" else "DELETE FROM audit_accesslog"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLog.objects.count() == 12


@pytest.mark.django_db
def test_a_truncated_log_with_its_head_reset_is_detected_by_the_checkpoints(log):
    _as_owner(
        ("DELETE FROM audit_accesslog", []),
        ("UPDATE audit_accessloghead SET last_id = 0, last_hash = %s, count = 0", [GENESIS]),
    )
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad_id == 1
    assert "#12" in result.reason


@pytest.mark.django_db
def test_a_cut_tail_with_the_head_moved_back_is_detected(log):
    keep = log[5]
    _as_owner(
        ("DELETE FROM audit_accesslog WHERE id > %s", [keep.id]),
        ("UPDATE audit_accessloghead SET last_id = %s, last_hash = %s, count = %s", [keep.id, keep.hash, 6]),
    )
    result = access_log_verify()
    assert (result.ok, result.first_bad_id) == (False, 7)
    assert "missing" in result.reason


@pytest.mark.django_db
def test_a_head_reset_alone_is_detected(log):
    _as_owner(("UPDATE audit_accessloghead SET last_id = 0, last_hash = %s, count = 0", [GENESIS]))
    assert not access_log_verify().ok


def _rewrite(entries: list[AccessLog], *, hasher) -> None:
    """Rewrite every entry's purpose and recompute the whole chain with `hasher`."""
    statements, prev = [], GENESIS
    for entry in entries:
        entry.purpose, entry.prev_hash = "rewritten", prev
        entry.hash = hasher(entry.canonical())
        statements.append(
            (
                "UPDATE audit_accesslog SET purpose = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [entry.purpose, entry.prev_hash, entry.hash, entry.id],
            )  # fmt: skip
        )
        prev = entry.hash
    last = entries[-1]
    statements.append(("UPDATE audit_accessloghead SET last_hash = %s", [last.hash]))
    _as_owner(*statements)


@pytest.mark.django_db
def test_a_rewrite_with_a_recomputed_unkeyed_chain_is_detected_at_its_first_entry(log):
    _rewrite(list(AccessLog.objects.order_by("id")), hasher=chain.plain_hash)
    result = access_log_verify(checkpoints=[])  # even without the checkpoints
    assert (result.ok, result.first_bad_id) == (False, 1)


@pytest.mark.django_db
def test_a_rewrite_with_another_key_is_detected(log):
    import hmac

    _rewrite(
        list(AccessLog.objects.order_by("id")),
        hasher=lambda text: hmac.new(b"k" * 32, text.encode(), hashlib.sha256).hexdigest(),
    )
    result = access_log_verify(checkpoints=[])
    assert (result.ok, result.first_bad_id) == (False, 1)


@pytest.mark.django_db
def test_moving_the_keyed_start_to_pass_off_a_plain_chain_is_detected(log):
    entries = list(AccessLog.objects.order_by("id"))
    _rewrite(entries, hasher=chain.plain_hash)
    _as_owner(("UPDATE audit_accessloghead SET keyed_since = %s", [entries[-1].id + 1]))
    assert access_log_verify(checkpoints=[]).ok  # what the database alone cannot tell…
    result = access_log_verify()  # …the checkpoints outside it do
    assert not result.ok and "keyed start" in result.reason


@pytest.mark.django_db
def test_an_edited_checkpoint_line_is_refused(log, settings):
    path = settings.CRM_AUDIT_CHECKPOINT_FILE
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"id": 11}
    path.write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    result = access_log_verify()
    assert not result.ok and "was changed" in result.reason


@pytest.mark.django_db
def test_the_verify_command_names_the_entries_a_checkpoint_vouches_for(log, settings):
    _as_owner(("DELETE FROM audit_accesslog WHERE id > %s", [10]))
    _as_owner(
        ("UPDATE audit_accessloghead SET last_id = 10, last_hash = %s, count = 10", [log[9].hash]),
    )
    with pytest.raises(CommandError, match="#11"):
        call_command("verify_audit_log", "--no-progress", stdout=io.StringIO())


@pytest.mark.django_db
def test_verify_checkpoint_records_the_head_after_a_good_check(settings, clerk):
    chain._last_written["at"] = float("inf")
    settings.CRM_AUDIT_CHECKPOINT_EVERY = 1000
    try:
        for _ in range(3):
            access_log_record(action="login", actor=clerk)
    finally:
        chain._last_written["at"] = float("-inf")
    out = io.StringIO()
    call_command("verify_audit_log", "--no-progress", "--checkpoint", stdout=out)
    last = AccessLog.objects.aggregate(last=Max("id"))["last"]
    assert _checkpoint_ids() == [last]
    assert "checkpoint" in out.getvalue()


@pytest.mark.django_db
def test_a_log_begun_before_the_key_keeps_verifying_its_older_entries(clerk):
    """A database migrated from the unkeyed chain: entries before `keyed_since` keep
    their plain hashes, later ones are keyed, and the whole still verifies."""
    old = [access_log_record(action="login", actor=clerk) for _ in range(2)]
    statements, prev = [], GENESIS
    for entry in old:
        entry.prev_hash = prev
        entry.hash = chain.plain_hash(entry.canonical())
        statements.append(("UPDATE audit_accesslog SET prev_hash = %s, hash = %s WHERE id = %s",
                           [entry.prev_hash, entry.hash, entry.id]))  # fmt: skip
        prev = entry.hash
    statements.append(
        ("UPDATE audit_accessloghead SET last_hash = %s, keyed_since = %s", [prev, old[-1].id + 1]),
    )
    _as_owner(*statements)
    newer = access_log_record(action="logout", actor=clerk)
    assert newer.hash == chain.keyed_hash(newer.canonical())
    assert AccessLogHead.objects.get().keyed_since == old[-1].id + 1
    assert access_log_verify().ok
