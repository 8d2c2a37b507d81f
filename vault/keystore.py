"""The key store outside the database (issue 17's open point, issue 18 item 2).

Each data key is kept in the database wrapped by a master key, but what is wrapped
is the key XOR a random 32-byte *share* that lives only here, in the directory
`CRM_KEY_STORE` (one small file per data key, written atomically and fsync'd).
Unwrapping needs both: the wrapped key from the database and its share from this
directory. Deleting a data key (destruction, a merge's shredding) deletes its share
once the transaction commits, so a copy of the database taken *before* the
destruction — a stolen file, an old backup — can no longer open the customer's S3
values: the share is gone from the only place it was.

The directory also holds the **destruction ledger** (`ledger.jsonl`): one JSON line
per destroyed (or merged-away) customer — its id, archive number, the data key ids
shredded and when — never a personal value. A restore replays it (ops.restore), so a
backup taken before a destruction never brings the customer back.

Nothing here imports the apps above vault; lifecycle and customers call in.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHARE_BYTES = 32
LEDGER = "ledger.jsonl"
SHARES = "shares"


def root() -> Path:
    value = getattr(settings, "CRM_KEY_STORE", None)
    if not value:
        raise ImproperlyConfigured("CRM_KEY_STORE names no directory: the data keys' shares live there.")
    path = Path(value)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _share_path(key_id: uuid.UUID | str) -> Path:
    name = uuid.UUID(str(key_id)).hex
    return root() / SHARES / name[:2] / name


def share_put(key_id: uuid.UUID | str, share: bytes) -> None:
    """Write a share durably: a temporary file, fsync'd, renamed into place, the
    directory fsync'd — a crash leaves either no share or the whole one."""
    if len(share) != SHARE_BYTES:
        raise ValueError("a share is 32 bytes")
    path = _share_path(key_id)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, share)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def share_new(key_id: uuid.UUID | str) -> bytes:
    share = secrets.token_bytes(SHARE_BYTES)
    share_put(key_id, share)
    return share


def share_get(key_id: uuid.UUID | str) -> bytes | None:
    try:
        share = _share_path(key_id).read_bytes()
    except FileNotFoundError:
        return None
    return share if len(share) == SHARE_BYTES else None


def shares_forget(key_ids: Iterable[uuid.UUID | str]) -> int:
    """Delete the shares of these data keys; returns how many were there."""
    gone, parents = 0, set()
    for key_id in key_ids:
        path = _share_path(key_id)
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        gone += 1
        parents.add(path.parent)
    for parent in parents:
        _fsync_dir(parent)
    return gone


def share_ids(*, older_than: float | None = None) -> Iterator[uuid.UUID]:
    """Every data key id with a share here (optionally only shares older than
    `older_than` seconds: a key being created has its share before its row)."""
    base = root() / SHARES
    if not base.is_dir():
        return
    now = time.time()
    for bucket in sorted(base.iterdir()):
        if not bucket.is_dir():
            continue
        with os.scandir(bucket) as entries:
            for entry in entries:
                if entry.name.startswith(".") or len(entry.name) != 32:
                    continue
                if older_than is not None and now - entry.stat().st_mtime < older_than:
                    continue
                yield uuid.UUID(entry.name)


def mask(key: bytes, share: bytes) -> bytes:
    """key XOR share (the same operation masks and unmasks)."""
    return bytes(a ^ b for a, b in zip(key, share, strict=True))


# The destruction ledger.


def ledger_path() -> Path:
    return root() / LEDGER


def ledger_append(*, kind: str, subject: int, label: str, key_ids: Iterable, at: float | None = None) -> dict:
    """Append one line (under an exclusive lock, fsync'd): `kind` is "destroyed" or
    "merged", `subject` the customer's id, `label` its archive number."""
    entry = {
        "kind": kind,
        "subject": int(subject),
        "label": str(label),
        "keys": sorted(str(k) for k in key_ids),
        "at": round(time.time() if at is None else at, 3),
    }
    line = (json.dumps(entry, sort_keys=True) + "\n").encode()
    fd = os.open(ledger_path(), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # after a torn line (a crash mid-append), a line of its own
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def ledger_read(path: Path | None = None) -> list[dict]:
    """Every entry; a torn last line (a crash mid-append) is skipped."""
    path = path or ledger_path()
    if not path.exists():
        return []
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if isinstance(entry, dict) and {"kind", "subject", "label", "keys"} <= entry.keys():
            entries.append(entry)
    return entries


def ledger_subjects() -> set[int]:
    return {entry["subject"] for entry in ledger_read()}
