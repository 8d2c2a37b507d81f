"""The backup file refuses what it should (issue 18 item 1): a flipped byte, a file
cut short (inside a chunk or at a chunk's end), bytes added, the wrong key; and a
backup killed midway leaves no OUT file."""

from __future__ import annotations

import base64
import os
import signal
import struct
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ops import backup
from ops import backup_format as fmt


def _verify(path: Path) -> None:
    call_command("backup", str(path), "--verify", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def made(db, backups, settings) -> Path:
    imports = Path(settings.CRM_IMPORT_DIR)
    imports.mkdir(parents=True)
    (imports / "upload.bin").write_bytes(os.urandom(5 * fmt.CHUNK // 2))  # several chunks, whatever the database
    out = backups / "b.cbak"
    backup.backup_database(out)
    assert out.stat().st_size > 2 * fmt.CHUNK  # three chunks at least
    _verify(out)
    return out


def _first_frame_end(data: bytes) -> int:
    (length,) = struct.unpack(">I", data[fmt.HEADER.size : fmt.HEADER.size + 4])
    return fmt.HEADER.size + 4 + fmt.NONCE + length


def test_a_flipped_byte_anywhere_is_refused_naming_the_chunk(made):
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0x01
    made.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"Chunk \d+ of the backup does not decrypt"):
        _verify(made)


def test_a_changed_header_is_refused(made):
    data = bytearray(made.read_bytes())
    data[12] ^= 0x01  # the creation time, bound into every chunk
    made.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="Chunk 0 of the backup does not decrypt"):
        _verify(made)


def test_a_file_cut_inside_a_chunk_is_refused_as_truncated(made):
    data = made.read_bytes()
    made.write_bytes(data[:-100])
    with pytest.raises(CommandError, match="truncated"):
        _verify(made)


def test_a_file_cut_exactly_at_a_chunk_end_is_refused_as_truncated(made):
    data = made.read_bytes()
    made.write_bytes(data[: _first_frame_end(data)])
    with pytest.raises(CommandError, match="ends before its last chunk"):
        _verify(made)


def test_chunks_swapped_are_refused(made):
    data = made.read_bytes()
    first = _first_frame_end(data)
    (length,) = struct.unpack(">I", data[first : first + 4])
    second = first + 4 + fmt.NONCE + length
    swapped = data[: fmt.HEADER.size] + data[first:second] + data[fmt.HEADER.size : first] + data[second:]
    made.write_bytes(swapped)
    with pytest.raises(CommandError, match="Chunk 0 of the backup does not decrypt"):
        _verify(made)


def test_bytes_after_the_last_chunk_are_refused(made):
    made.write_bytes(made.read_bytes() + b"\x00")
    with pytest.raises(CommandError, match="bytes after its last chunk"):
        _verify(made)


def test_the_wrong_backup_key_is_refused_with_a_message_naming_it(made, settings):
    settings.CRM_BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(CommandError, match="CRM_BACKUP_KEY is not the key it was made with"):
        _verify(made)


def test_a_file_that_is_no_backup_is_refused(backups, db):
    other = backups / "notes.txt"
    other.write_bytes(b"hello, this is not a backup at all, just some words")
    with pytest.raises(CommandError, match="not a Custodian backup"):
        _verify(other)


def test_a_backup_without_a_key_configured_says_which_setting_is_missing(backups, settings, db):
    settings.CRM_BACKUP_KEY = None
    with pytest.raises(CommandError, match="CRM_BACKUP_KEY must be set"):
        call_command("backup", str(backups / "x.cbak"))
    assert list(backups.iterdir()) == []


@pytest.mark.django_db
def test_a_backup_killed_midway_leaves_no_out_file_and_the_next_run_clears_its_leftover(backups, monkeypatch):
    out = backups / "killed.cbak"
    marker = backups / "started"
    pid = os.fork()
    if pid == 0:  # the child: a backup that stops after its first block, until killed
        try:
            monkeypatch.setattr("ops.backup.reconcile_key_store", dict)  # no database access from a fork
            original = fmt.MemberWriter.data

            def stall(self, block):
                original(self, block)
                marker.touch()
                time.sleep(60)

            monkeypatch.setattr(fmt.MemberWriter, "data", stall)
            backup.backup_database(out)
        finally:
            os._exit(1)
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert marker.exists()
    assert not out.exists()
    leftovers = [p.name for p in backups.iterdir() if p.name.startswith(".")]
    assert leftovers == [f".killed.cbak{backup.PARTIAL}{pid}"]

    backup.backup_database(out)

    assert out.exists() and [p.name for p in backups.iterdir() if p.name.startswith(".")] == []
    _verify(out)
