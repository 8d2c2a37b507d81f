"""Uploads are encrypted as they arrive (`FILE_UPLOAD_HANDLERS`).

Django's own handlers keep a small upload in memory and write a large one to a
temporary file: a customer list, in plaintext, on disk, left there if the
process is killed. This handler seals every uploaded file while it is received
(`vault.files.SealedWriter`) into the import directory, under a fresh data key
and the identity of the import job it will become. The data key exists only in
memory until a job adopts the file, so a file left by a killed process cannot
be decrypted by anyone; and when the request ends, a file no job adopted is
deleted (`SealedUpload.close`, called by Django for every uploaded file)."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from vault import crypto, files
from vault.models import DataKey

PART_SUFFIX = ".part"


def binding(uid: uuid.UUID) -> bytes:
    """What an import's file is bound to: the job's row (`bulk.ImportJob.uid`)."""
    return crypto.binding("bulk.ImportJob", "file", uid)


class SealedUpload(UploadedFile):
    """An uploaded file, encrypted at `path` under `data_key` (not saved yet)."""

    def __init__(self, *, name: str, content_type: str, size: int, path: Path, uid: uuid.UUID, data_key: DataKey):
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.path, self.uid, self.data_key = path, uid, data_key
        self.adopted = False
        self.truncated = False  # larger than CRM_IMPORT_MAX_BYTES: only its size is known

    def open_plaintext(self):
        """The upload to read, decrypted in memory as it is read."""
        return files.open_sealed(self.path, data_key=self.data_key, binding=binding(self.uid))

    def adopt(self, destination: Path) -> None:
        """Keep the file: it becomes `destination`, the job's encrypted file."""
        os.replace(self.path, destination)
        self.path, self.adopted = destination, True

    def chunks(self, chunk_size=None):
        with self.open_plaintext() as source:
            yield from iter(lambda: source.read(chunk_size or files.CHUNK), b"")

    def close(self) -> None:
        if not self.adopted:
            self.path.unlink(missing_ok=True)


class EncryptingUploadHandler(FileUploadHandler):
    """Seals each uploaded file as its chunks arrive; see the module's docstring."""

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            raise SkipFile  # nobody signed in gets anything written to disk
        directory = Path(settings.CRM_IMPORT_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        self.uid = uuid.uuid4()
        self.data_key = crypto.new_data_key()
        self.path = directory / f"{self.uid}{PART_SUFFIX}"
        self.out = open(self.path, "xb")  # noqa: SIM115 — closed in file_complete or upload_interrupted
        os.chmod(self.path, 0o600)
        self.writer = files.SealedWriter(self.out, data_key=self.data_key, binding=binding(self.uid))
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.CRM_IMPORT_MAX_BYTES:
            self.writer.write(raw_data)
        return None  # no other handler sees the plaintext

    def file_complete(self, file_size):
        with self.out:
            self.writer.finish()
        upload = SealedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            path=self.path,
            uid=self.uid,
            data_key=self.data_key,
        )
        upload.truncated = file_size > settings.CRM_IMPORT_MAX_BYTES
        return upload

    def upload_interrupted(self):
        out = getattr(self, "out", None)
        if out is not None:
            out.close()
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
