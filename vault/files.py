"""Files with personal values (uploaded spreadsheets) are kept encrypted at rest:
AES-GCM in 1 MiB chunks under the owning row's data key, each chunk bound to its
row, its position and whether it is the last (so chunks cannot be reordered,
dropped or truncated unnoticed)."""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from vault import crypto
from vault.models import DataKey

CHUNK = 1 << 20
NONCE = crypto.NONCE_BYTES


def _aad(binding: bytes, index: int, last: bool) -> bytes:
    return binding + b"/chunk/" + str(index).encode() + (b"/last" if last else b"")


class SealedWriter:
    """Encrypts what is written to it into `out`, chunk by chunk, as it comes:
    an upload is sealed while it is received, never whole in memory or on disk."""

    def __init__(self, out: BinaryIO, *, data_key: DataKey, binding: bytes) -> None:
        self._out, self._binding = out, binding
        self._aead = crypto.unwrap(data_key)
        self._index = self.size = 0
        self._pending = b""  # a full chunk, written once we know whether it is the last
        self._buffer = bytearray()

    def _emit(self, block: bytes, last: bool) -> None:
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, block, _aad(self._binding, self._index, last))
        self._out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def write(self, chunk: bytes) -> int:
        self._buffer += chunk
        self.size += len(chunk)
        while len(self._buffer) > CHUNK:
            if self._pending:
                self._emit(self._pending, last=False)
            self._pending, self._buffer = bytes(self._buffer[:CHUNK]), self._buffer[CHUNK:]
        return len(chunk)

    def finish(self) -> int:
        """Writes the last chunk; returns the plaintext size."""
        if self._pending:
            self._emit(self._pending, last=not self._buffer)
        if self._buffer or not self._pending:
            self._emit(bytes(self._buffer), last=True)
        self._pending, self._buffer = b"", bytearray()
        return self.size


def encrypt_chunks(chunks: Iterable[bytes], out: BinaryIO, *, data_key: DataKey, binding: bytes) -> int:
    """Write `chunks` (any sizes) encrypted to `out`; returns the plaintext size."""
    writer = SealedWriter(out, data_key=data_key, binding=binding)
    for chunk in chunks:
        writer.write(chunk)
    return writer.finish()


class SealedReader(io.RawIOBase):
    """A read-only, seekable file over an encrypted file: what a CSV reader or
    openpyxl (whose zip reader seeks) reads, decrypted chunk by chunk in memory —
    never a plaintext copy on disk. Every chunk is checked where it is read
    (its position, and whether it is the last), so a file truncated, cut at a
    chunk's end or reordered fails to read. A few chunks are kept, for a zip's back and forth."""

    KEEP = 4

    def __init__(self, source: BinaryIO, *, data_key: DataKey, binding: bytes) -> None:
        super().__init__()
        self._source, self._binding = source, binding
        self._aead = crypto.unwrap(data_key)
        self._chunks: list[tuple[int, int]] = []  # (offset of the sealed chunk, its length)
        offset = 0
        source.seek(0, io.SEEK_END)
        end = source.tell()
        source.seek(0)
        while offset < end:
            head = source.read(4)
            if len(head) < 4:
                raise crypto.VaultError("Encrypted file ends inside a chunk header: it was truncated.")
            (length,) = struct.unpack(">I", head)
            self._chunks.append((offset + 4, length))
            offset += 4 + NONCE + length
            source.seek(offset)
        if offset != end or not self._chunks:
            raise crypto.VaultError("Encrypted file ends inside a chunk: it was truncated.")
        # Every chunk but the last holds CHUNK bytes (encrypt_chunks); the last is checked when first read.
        self._size = (len(self._chunks) - 1) * CHUNK + self._chunks[-1][1] - 16
        self._position = 0
        self._kept: dict[int, bytes] = {}

    def _chunk(self, index: int) -> bytes:
        block = self._kept.get(index)
        if block is None:
            offset, length = self._chunks[index]
            self._source.seek(offset)
            nonce, sealed = self._source.read(NONCE), self._source.read(length)
            last = index == len(self._chunks) - 1
            try:
                block = self._aead.decrypt(nonce, sealed, _aad(self._binding, index, last))
            except InvalidTag as exc:
                raise crypto.VaultError(
                    f"Encrypted file chunk {index} does not decrypt: it was altered, reordered or cut."
                ) from exc
            if not last and len(block) != CHUNK:
                raise crypto.VaultError(f"Encrypted file chunk {index} has the wrong size.")
            if len(self._kept) >= self.KEEP:
                self._kept.pop(next(iter(self._kept)))
            self._kept[index] = block
        return block

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._position < self._size:
            index, start = divmod(self._position, CHUNK)
            block = self._chunk(index)
            piece = block[start : start + len(view) - done]
            view[done : done + len(piece)] = piece
            done += len(piece)
            self._position += len(piece)
        return done

    def close(self) -> None:
        self._kept.clear()
        self._source.close()
        super().close()


def open_sealed(path, *, data_key: DataKey, binding: bytes) -> io.BufferedReader:
    """The encrypted file at `path`, to read as its plaintext (see SealedReader)."""
    return io.BufferedReader(SealedReader(open(path, "rb"), data_key=data_key, binding=binding), CHUNK // 4)
