"""The key store outside the database (issue 17's open point, issue 18 item 2).

Each data key is kept in the database wrapped by a master key, but what is wrapped
is the key XOR a random 32-byte *share* that lives only here, in the directory
`CRM_KEY_STORE` (in batch files of 1,024 shares, each fsync'd before any of its keys
is used; see `allocate`).
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
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHARE_BYTES = 32
ZERO = bytes(SHARE_BYTES)
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


# New data keys take their ids and shares from a *batch*: BATCH shares made at once
# in one file, written and fsync'd once (a share per key fsync'd alone costs ~6 ms;
# a batch costs the same for 1,024 keys). The key's id names its batch (its first 12
# bytes, a UUID of version 8) and its place in it (the last 4). Destroying a key
# overwrites its 32 bytes with zeros in place and fsyncs. Keys made before batches
# (migration vault 0002) keep one file each.
BATCH = 1024
_batch_lock = threading.Lock()
_batch = {"pid": None, "prefix": b"", "shares": b"", "next": BATCH, "root": None}


def _batch_path(prefix: bytes) -> Path:
    return root() / SHARES / f"{prefix.hex()}.batch"


def _batched(key_id: uuid.UUID) -> tuple[Path, int] | None:
    if key_id.version != 8:
        return None
    return _batch_path(key_id.bytes[:12]), int.from_bytes(key_id.bytes[12:], "big") * SHARE_BYTES


def _batch_id(prefix: bytes, index: int) -> uuid.UUID:
    return uuid.UUID(bytes=prefix + index.to_bytes(4, "big"))


def _new_batch() -> tuple[bytes, bytes]:
    raw = bytearray(secrets.token_bytes(12))
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    prefix = bytes(raw)
    path = _batch_path(prefix)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shares = secrets.token_bytes(BATCH * SHARE_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, shares)
        os.fsync(fd)
    finally:
        os.close(fd)
    _fsync_dir(path.parent)
    return prefix, shares


def allocate() -> tuple[uuid.UUID, bytes]:
    """A new data key's id and its share, already durable in the key store. A
    forked process starts a batch of its own (never its parent's ids)."""
    with _batch_lock:
        if _batch["pid"] != os.getpid() or _batch["next"] >= BATCH or _batch["root"] != root():
            prefix, shares = _new_batch()
            _batch.update(pid=os.getpid(), prefix=prefix, shares=shares, next=0, root=root())
        index = _batch["next"]
        _batch["next"] += 1
        share = _batch["shares"][index * SHARE_BYTES : (index + 1) * SHARE_BYTES]
        key_id = _batch_id(_batch["prefix"], index)
    return key_id, share


def _pread(path: Path, offset: int) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        share = os.pread(fd, SHARE_BYTES, offset)
    finally:
        os.close(fd)
    return share


def _pwrite(path: Path, offset: int, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, data, offset)
        os.fsync(fd)
    finally:
        os.close(fd)


def share_put(key_id: uuid.UUID | str, share: bytes) -> None:
    """Write a share durably (a key-store restore, or a key made before batches):
    a temporary file, fsync'd, renamed into place, the directory fsync'd — a crash
    leaves either no share or the whole one."""
    if len(share) != SHARE_BYTES or share == ZERO:
        raise ValueError("a share is 32 bytes, not all zero")
    key_id = uuid.UUID(str(key_id))
    batched = _batched(key_id)
    if batched is not None:
        _pwrite(*batched, share)
        return
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
    key_id = uuid.UUID(str(key_id))
    batched = _batched(key_id)
    if batched is not None:
        share = _pread(*batched)
    else:
        try:
            share = _share_path(key_id).read_bytes()
        except FileNotFoundError:
            return None
    return share if share and len(share) == SHARE_BYTES and share != ZERO else None


def shares_forget(key_ids: Iterable[uuid.UUID | str]) -> int:
    """Delete the shares of these data keys (a batched one is overwritten with
    zeros in place); returns how many were there."""
    gone, parents = 0, set()
    for key_id in key_ids:
        key_id = uuid.UUID(str(key_id))
        if share_get(key_id) is None:
            continue
        batched = _batched(key_id)
        if batched is not None:
            _pwrite(*batched, ZERO)
            gone += 1
            continue
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


def shares() -> Iterator[tuple[uuid.UUID, bytes]]:
    """Every (data key id, share) here, unused places of batches included: a
    batch file is read whole, once."""
    base = root() / SHARES
    if not base.is_dir():
        return
    for entry in sorted(base.iterdir()):
        if entry.is_file() and entry.name.endswith(".batch"):
            prefix = bytes.fromhex(entry.name.removesuffix(".batch"))
            data = entry.read_bytes()
            for index in range(len(data) // SHARE_BYTES):
                share = data[index * SHARE_BYTES : (index + 1) * SHARE_BYTES]
                if share != ZERO:
                    yield _batch_id(prefix, index), share
        elif entry.is_dir():
            with os.scandir(entry) as files:
                for item in files:
                    if not item.name.startswith(".") and len(item.name) == 32:
                        share = share_get(item.name)
                        if share is not None:
                            yield uuid.UUID(item.name), share


def share_ids() -> Iterator[uuid.UUID]:
    """Every data key id with a share here."""
    for key_id, _share in shares():
        yield key_id


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
        if any((e["kind"], e["subject"], e["label"]) == (kind, int(subject), str(label)) for e in ledger_read()):
            return entry  # already there (a restore replaying it destroys the customer again)
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
