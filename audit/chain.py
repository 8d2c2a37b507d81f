"""The access log's keyed chain and its checkpoints outside the database.

Each entry's hash is an HMAC-SHA256 of its canonical form under `CRM_AUDIT_KEY`,
which lives in the environment, never in the database: whoever owns the database
(and can lift the triggers) can still delete or rewrite entries, but cannot
recompute a chain that verifies.

What a keyed chain cannot show on its own is a log cut short: delete the newest
entries (or all of them) and reset the head row, and what is left still verifies.
So every `CRM_AUDIT_CHECKPOINT_EVERY` entries, and at least hourly while entries
are written, the chain's head — entry number and hash — is written outside the
database: one JSON line appended to `CRM_AUDIT_CHECKPOINT_FILE` and the same line
to the log (logger "custodian.audit"), each line with its own MAC. Verification
compares the database with every checkpoint it is given.

Logs written before the chain was keyed (`AccessLogHead.keyed_since`) keep their
plain SHA-256 hashes for the entries before that number; the checkpoints record
`keyed_since`, so moving it later to pass off a recomputed plain chain is found.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("custodian.audit")

HOURLY = 3600.0
_last_written = {"at": float("-inf")}  # a new process checkpoints its first entry
_write_lock = threading.Lock()


def audit_key() -> bytes:
    """The chain's key, from `CRM_AUDIT_KEY` (base64 of 32 bytes)."""
    raw = getattr(settings, "CRM_AUDIT_KEY", None)
    if not raw:
        raise ImproperlyConfigured("CRM_AUDIT_KEY is not set: the access log cannot be written or verified.")
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("CRM_AUDIT_KEY is not valid base64.") from exc
    if len(key) < 32:
        raise ImproperlyConfigured("CRM_AUDIT_KEY must be at least 32 bytes (base64 of 32 random bytes).")
    return key


def keyed_hash(canonical: str) -> str:
    return hmac.new(audit_key(), canonical.encode(), hashlib.sha256).hexdigest()


def plain_hash(canonical: str) -> str:
    """Entries written before the chain was keyed."""
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    id: int
    hash: str
    count: int
    keyed_since: int
    at: str

    def body(self) -> str:
        return json.dumps(
            {"id": self.id, "hash": self.hash, "count": self.count, "keyed_since": self.keyed_since, "at": self.at},
            sort_keys=True,
            separators=(",", ":"),
        )

    def mac(self) -> str:
        return hmac.new(audit_key(), b"checkpoint|" + self.body().encode(), hashlib.sha256).hexdigest()

    def line(self) -> str:
        return json.dumps({**json.loads(self.body()), "mac": self.mac()}, sort_keys=True, separators=(",", ":"))


class CheckpointError(Exception):
    """A checkpoint line that was changed or cannot be read."""


def parse_checkpoints(lines: Iterable[str]) -> list[Checkpoint]:
    """Checkpoints from lines of a file or of the application log (a line may carry
    a log prefix before the JSON). A line whose MAC does not match is an error."""
    found = []
    for number, raw in enumerate(lines, start=1):
        start = raw.find("{")
        if start < 0 or '"mac"' not in raw:
            continue
        try:
            data = json.loads(raw[start:])
            point = Checkpoint(
                id=int(data["id"]),
                hash=str(data["hash"]),
                count=int(data["count"]),
                keyed_since=int(data["keyed_since"]),
                at=str(data["at"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"checkpoint line {number} cannot be read") from exc
        if not hmac.compare_digest(point.mac(), str(data.get("mac", ""))):
            raise CheckpointError(f"checkpoint line {number} (entry #{point.id}) was changed")
        found.append(point)
    return found


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    path = Path(path or settings.CRM_AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return parse_checkpoints(lines)


def write_checkpoint(*, entry_id: int, entry_hash: str, count: int, keyed_since: int, at: str) -> Checkpoint:
    """Append one checkpoint line to the file (one `write` with O_APPEND, so lines
    of several processes never interleave) and to the log."""
    point = Checkpoint(id=entry_id, hash=entry_hash, count=count, keyed_since=keyed_since, at=at)
    line = point.line()
    path = Path(settings.CRM_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, (line + "\n").encode())
    finally:
        os.close(descriptor)
    logger.info("access log checkpoint %s", line)
    return point


def checkpoint_due(entry_id: int) -> bool:
    """Every N entries, and at least hourly while entries are written (per process:
    the first entry a process writes after an hour is checkpointed)."""
    every = max(1, int(settings.CRM_AUDIT_CHECKPOINT_EVERY))
    now = time.monotonic()
    with _write_lock:
        due = entry_id % every == 0 or now - _last_written["at"] >= HOURLY
        if due:
            _last_written["at"] = now
    return due
