"""Files with personal values (uploaded spreadsheets) are kept encrypted at rest:
AES-GCM in 1 MiB chunks under the owning row's data key, each chunk bound to its
row, its position and whether it is the last (so chunks cannot be reordered,
dropped or truncated unnoticed)."""

from __future__ import annotations

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


def encrypt_chunks(chunks: Iterable[bytes], out: BinaryIO, *, data_key: DataKey, binding: bytes) -> int:
    """Write `chunks` (any sizes) encrypted to `out`; returns the plaintext size."""
    aead = crypto.unwrap(data_key)
    size = index = 0
    pending = b""

    def emit(block: bytes, last: bool) -> None:
        nonce = os.urandom(NONCE)
        sealed = aead.encrypt(nonce, block, _aad(binding, index, last))
        out.write(struct.pack(">I", len(sealed)) + nonce + sealed)

    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        size += len(chunk)
        while len(buffer) > CHUNK:
            if pending:
                emit(pending, last=False)
                index += 1
            pending, buffer = bytes(buffer[:CHUNK]), buffer[CHUNK:]
    if pending:
        emit(pending, last=not buffer)
        index += 1
    if buffer or not pending:
        emit(bytes(buffer), last=True)
    return size


def decrypt_chunks(source: BinaryIO, *, data_key: DataKey, binding: bytes) -> Iterable[bytes]:
    aead = crypto.unwrap(data_key)
    index = 0
    while True:
        head = source.read(4)
        if not head:
            raise crypto.VaultError("Encrypted file ends before its last chunk: it was truncated.")
        (length,) = struct.unpack(">I", head)
        nonce, sealed = source.read(NONCE), source.read(length)
        for last in (False, True):
            try:
                block = aead.decrypt(nonce, sealed, _aad(binding, index, last))
            except InvalidTag:
                continue
            yield block
            if last:
                return
            break
        else:
            raise crypto.VaultError(f"Encrypted file chunk {index} does not decrypt: it was altered or reordered.")
        index += 1
