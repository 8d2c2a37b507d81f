"""The upload read back decrypted in memory (vault.files.SealedReader): the
plaintext a CSV reader or openpyxl sees, with seeks, and a tampered file refused."""

from __future__ import annotations

import io
import os
import struct

import pytest

from vault import crypto, files

BINDING = b"bulk.ImportJob/file/test"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 64)


def _sealed(data: bytes, data_key) -> bytes:
    out = io.BytesIO()
    files.encrypt_chunks(
        [data[i : i + 50] for i in range(0, len(data), 50)] or [b""], out, data_key=data_key, binding=BINDING
    )
    return out.getvalue()


def _chunks(sealed: bytes) -> list[bytes]:
    parts, offset = [], 0
    while offset < len(sealed):
        (length,) = struct.unpack(">I", sealed[offset : offset + 4])
        end = offset + 4 + files.NONCE + length
        parts.append(sealed[offset:end])
        offset = end
    return parts


def _reader(sealed: bytes, data_key) -> io.BufferedReader:
    return io.BufferedReader(files.SealedReader(io.BytesIO(sealed), data_key=data_key, binding=BINDING))


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 128, 1000])
def test_what_is_read_back_is_what_was_sealed_seeks_included(small_chunks, size):
    data_key = crypto.new_data_key()
    data = os.urandom(size)
    with _reader(_sealed(data, data_key), data_key) as reader:
        assert reader.read() == data
        assert reader.seek(0, io.SEEK_END) == size
        if size > 10:
            reader.seek(size // 2)
            assert reader.read(7) == data[size // 2 : size // 2 + 7]
            reader.seek(-5, io.SEEK_END)
            assert reader.read() == data[-5:]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda parts: parts[:-1],  # the last chunk cut off
        lambda parts: [parts[1], parts[0], *parts[2:]],  # reordered
        lambda parts: [*parts[:-1], parts[-1][:-3]],  # truncated inside a chunk
        lambda parts: [parts[0][:20] + bytes([parts[0][20] ^ 1]) + parts[0][21:], *parts[1:]],  # one bit flipped
    ],
    ids=["cut", "reordered", "truncated", "altered"],
)
def test_a_tampered_sealed_file_is_refused_not_read(small_chunks, tamper):
    data_key = crypto.new_data_key()
    sealed = b"".join(tamper(_chunks(_sealed(os.urandom(300), data_key))))
    with pytest.raises(crypto.VaultError):
        _reader(sealed, data_key).read()


def test_a_file_sealed_for_another_job_does_not_read(small_chunks):
    data_key = crypto.new_data_key()
    sealed = _sealed(b"x" * 100, data_key)
    with pytest.raises(crypto.VaultError):
        io.BufferedReader(files.SealedReader(io.BytesIO(sealed), data_key=data_key, binding=b"other")).read()
