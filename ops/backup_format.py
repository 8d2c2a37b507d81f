"""The backup file: a stream of members, encrypted and authenticated under
`CRM_BACKUP_KEY` (issue 18 item 1).

Layout: a 33-byte header in the clear — magic `CUSTBAK1`, the kind (`D` a database
backup, `K` a key-store backup), the creation time (seconds) and a random 16-byte
file id — then frames, each `length (4 bytes) | nonce (12) | AES-256-GCM sealed
chunk`. Every chunk's associated data is the header, the chunk's index and whether
it is the last, so a flipped byte, a chunk dropped, moved or copied from another
backup, a file cut short (even at a chunk's end) or with bytes after its last chunk
is refused. Memory stays flat: one 1 MiB chunk at a time, both ways.

Inside, the plaintext is a sequence of members: `F | name length (2) | name`, then
blocks `D | length (4) | bytes`, then `E | SHA-256 of the member`; `Z` ends it.
The first member is always `manifest.json`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"CUSTBAK1"
HEADER = struct.Struct(">8scQ16s")
CHUNK = 1 << 20
NONCE = 12
DATABASE, KEYS = b"D", b"K"


class BackupError(Exception):
    """A backup file that cannot be trusted or read. Never carries a value."""


def backup_key() -> AESGCM:
    value = getattr(settings, "CRM_BACKUP_KEY", None) or ""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("CRM_BACKUP_KEY is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("CRM_BACKUP_KEY must be set to base64 of 32 bytes (AES-256).")
    return AESGCM(raw)


@dataclass(frozen=True)
class Header:
    kind: bytes
    created: int
    file_id: bytes

    def pack(self) -> bytes:
        return HEADER.pack(MAGIC, self.kind, self.created, self.file_id)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if last else 0)


def read_header(source: BinaryIO) -> Header:
    raw = source.read(HEADER.size)
    if len(raw) < HEADER.size:
        raise BackupError("This is not a Custodian backup: the file is shorter than its header.")
    magic, kind, created, file_id = HEADER.unpack(raw)
    if magic != MAGIC or kind not in (DATABASE, KEYS):
        raise BackupError("This is not a Custodian backup (its first bytes are not a backup header).")
    return Header(kind, created, file_id)


class SealingWriter:
    """Encrypts what is written into `out`, a chunk at a time, holding back the
    newest full chunk until it is known whether it is the last."""

    def __init__(self, out: BinaryIO, *, kind: bytes) -> None:
        self._aead = backup_key()
        self.header = Header(kind, int(time.time()), os.urandom(16)).pack()
        self._out = out
        out.write(self.header)
        self._index = 0
        self._pending: bytes | None = None
        self._buffer = bytearray()

    def _emit(self, block: bytes, last: bool) -> None:
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, block, _aad(self.header, self._index, last))
        self._out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            if self._pending is not None:
                self._emit(self._pending, last=False)
            self._pending, self._buffer = bytes(self._buffer[:CHUNK]), self._buffer[CHUNK:]

    def finish(self) -> None:
        if self._pending is not None:
            if self._buffer:
                self._emit(self._pending, last=False)
            else:
                self._emit(self._pending, last=True)
                return
        self._emit(bytes(self._buffer), last=True)


class OpeningReader(io.RawIOBase):
    """The plaintext of a backup file, checked chunk by chunk as it is read."""

    def __init__(self, source: BinaryIO) -> None:
        super().__init__()
        self._source = source
        self.header = read_header(source)
        self._header_bytes = self.header.pack()
        self._aead = backup_key()
        self._index = 0
        self._block = b""
        self._offset = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        head = self._source.read(4)
        if len(head) < 4:
            raise BackupError("The backup file is truncated: it ends before its last chunk.")
        (length,) = struct.unpack(">I", head)
        if length > CHUNK + 16:
            raise BackupError(f"Chunk {self._index} of the backup is damaged (impossible length).")
        nonce, sealed = self._source.read(NONCE), self._source.read(length)
        if len(sealed) < length or len(nonce) < NONCE:
            raise BackupError("The backup file is truncated: it ends inside a chunk.")
        for last in (False, True):
            try:
                self._block = self._aead.decrypt(nonce, sealed, _aad(self._header_bytes, self._index, last))
            except InvalidTag:
                continue
            self._index += 1
            self._offset = 0
            if last:
                self._ended = True
                if self._source.read(1):
                    raise BackupError("The backup file has bytes after its last chunk: it was altered.")
            return
        raise BackupError(
            f"Chunk {self._index} of the backup does not decrypt: the file was altered, its chunks "
            "reordered, or CRM_BACKUP_KEY is not the key it was made with."
        )

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        while self._offset >= len(self._block):
            if self._ended:
                return 0
            self._next_chunk()
        piece = self._block[self._offset : self._offset + len(view)]
        view[: len(piece)] = piece
        self._offset += len(piece)
        return len(piece)

    def close(self) -> None:
        self._source.close()
        super().close()


class MemberWriter:
    """Members into a SealingWriter."""

    def __init__(self, sealed: SealingWriter) -> None:
        self._sealed = sealed
        self._hash = None

    def begin(self, name: str) -> None:
        encoded = name.encode()
        self._sealed.write(b"F" + struct.pack(">H", len(encoded)) + encoded)
        self._hash = hashlib.sha256()

    def data(self, block: bytes) -> None:
        if block:
            self._hash.update(block)
            self._sealed.write(b"D" + struct.pack(">I", len(block)) + block)

    def end(self) -> None:
        self._sealed.write(b"E" + self._hash.digest())
        self._hash = None

    def member(self, name: str, content: bytes) -> None:
        self.begin(name)
        for start in range(0, len(content), CHUNK):
            self.data(content[start : start + CHUNK])
        self.end()

    def close(self) -> None:
        self._sealed.write(b"Z")
        self._sealed.finish()


def _exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise BackupError("The backup's contents end early: it was cut before its end marker.")
    return data


def members(stream: BinaryIO) -> Iterator[tuple[str, Iterator[bytes]]]:
    """(name, blocks) for each member; each member's blocks must be consumed (or
    are skipped) before the next is read, and its hash is checked at its end."""
    while True:
        tag = _exactly(stream, 1)
        if tag == b"Z":
            if stream.read(1):
                raise BackupError("The backup's contents go on after their end marker.")
            return
        if tag != b"F":
            raise BackupError("The backup's contents are malformed.")
        (length,) = struct.unpack(">H", _exactly(stream, 2))
        name = _exactly(stream, length).decode()
        state = {"done": False}

        def blocks(name=name, state=state) -> Iterator[bytes]:
            digest = hashlib.sha256()
            while True:
                kind = _exactly(stream, 1)
                if kind == b"D":
                    (size,) = struct.unpack(">I", _exactly(stream, 4))
                    block = _exactly(stream, size)
                    digest.update(block)
                    yield block
                elif kind == b"E":
                    if _exactly(stream, 32) != digest.digest():
                        raise BackupError(f"Member {name} of the backup does not match its checksum.")
                    state["done"] = True
                    return
                else:
                    raise BackupError("The backup's contents are malformed.")

        iterator = blocks()
        yield name, iterator
        if not state["done"]:
            for _ in iterator:
                pass


def open_backup(path) -> tuple[Header, io.BufferedReader]:
    source = open(path, "rb")  # noqa: SIM115 — closed with the reader
    try:
        raw = OpeningReader(source)
    except Exception:
        source.close()
        raise
    return raw.header, io.BufferedReader(raw, CHUNK)
