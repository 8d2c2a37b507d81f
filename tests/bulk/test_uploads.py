"""Uploads (issue 14, items 3 and 8): sealed as they arrive, never a plaintext
file on disk; an unreadable file is named on the imports page, and no job, key
or file is left behind for it."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bulk import pipeline
from bulk.models import ImportJob, JobStatus
from tests.bulk.helpers import HEADERS_ZH, csv_bytes, good_row
from vault.models import DataKey

MARKER = "标记MARKER-7f3a9c"


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def _holding(marker: bytes, *directories: Path) -> list[Path]:
    return [p for d in directories for p in _files(d) if marker in p.read_bytes()]


GOOD_XLSX = _xlsx([HEADERS_ZH, list(good_row(1).values())])
UNREADABLE = [
    ("junk.csv", b"\x00\x01\x02\x03binary\x00junk" * 50, "binary"),
    ("junk.xlsx", b"not a zip at all", "unreadable"),
    ("broken.xlsx", GOOD_XLSX[: len(GOOD_XLSX) // 2], "unreadable"),
    ("renamed.csv", GOOD_XLSX, "format"),
    ("utf16.csv", csv_bytes([good_row(1)]).decode("utf-8-sig").encode("utf-16"), "encoding"),
    ("latin.csv", "名称,客户类型\n".encode() + b"\xff\xfe\xfd,x\n", "encoding"),
    ("long.csv", csv_bytes([good_row(1, 名称="长" * 200_000)]), "unreadable"),
    ("empty.csv", b"", "empty"),
    ("empty.xlsx", b"", "empty"),
    ("headers.csv", csv_bytes([]), "no_rows"),
    ("headers.xlsx", _xlsx([HEADERS_ZH]), "no_rows"),
    ("blank-lines.csv", csv_bytes([]) + b",,,,\r\n\r\n", "no_rows"),
    ("no-header.xlsx", _xlsx([]), "empty"),
    ("columns.csv", "名称,手机号码\n张三,13900001111\n".encode(), "missing_columns"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "code"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_an_unreadable_upload_is_named_on_the_page_and_leaves_nothing(client, clerk, settings, name, data, code):
    client.force_login(clerk)
    keys = DataKey.objects.count()
    response = client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == [code]
    assert not ImportJob.objects.exists() and DataKey.objects.count() == keys
    assert _files(Path(settings.CRM_IMPORT_DIR)) == []


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_and_its_file_deleted(client, clerk, settings):
    settings.CRM_IMPORT_MAX_BYTES = 1000
    client.force_login(clerk)
    data = csv_bytes([good_row(n) for n in range(1, 40)])
    response = client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("big.csv", data)})
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["too_large"]
    assert not ImportJob.objects.exists() and _files(Path(settings.CRM_IMPORT_DIR)) == []


@pytest.mark.django_db
def test_a_large_upload_is_encrypted_as_it_arrives_never_a_plaintext_file(
    client, clerk, settings, tmp_path, monkeypatch
):
    """Django would write an upload over 2.5 MB to a temporary file: here, while
    the request is handled, no file under the temporary or the import directory
    holds a byte of it in plaintext."""
    settings.CRM_IMPORT_WORKERS = 0
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    rows = [good_row(n, 名称=f"{MARKER}{n}", 备注="注" * 100_000) for n in range(1, 11)]
    data = csv_bytes(rows, headers=[*HEADERS_ZH, "备注"])
    assert len(data) > 2_500_000
    seen = []
    real = pipeline.refuse_unreadable

    def look_while_the_upload_is_held(source, file_format):
        seen.append(_files(Path(settings.CRM_IMPORT_DIR)))
        assert _holding(MARKER.encode(), scratch, Path(settings.CRM_IMPORT_DIR)) == []
        return real(source, file_format)

    monkeypatch.setattr(pipeline, "refuse_unreadable", look_while_the_upload_is_held)
    client.force_login(clerk)
    response = client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("big.csv", data)})
    job = ImportJob.objects.get()
    assert response.url == reverse("bulk:job", args=[job.pk]) and len(seen[0]) == 1  # the sealed upload itself
    assert job.status == JobStatus.CHECKED and job.good_rows == 10 and job.size == len(data)
    assert _holding(MARKER.encode(), scratch, Path(settings.CRM_IMPORT_DIR)) == []
    assert _files(Path(settings.CRM_IMPORT_DIR)) == [job.path]
    with pipeline.open_upload(job) as source:
        assert source.read() == data


@pytest.mark.django_db
def test_an_upload_refused_for_the_role_or_the_anonymous_leaves_no_file(client, reviewer, settings):
    upload = {"file": SimpleUploadedFile("list.csv", csv_bytes([good_row(1)]))}
    assert client.post(reverse("bulk:imports"), upload).status_code == 302  # to the login page
    client.force_login(reviewer)
    upload["file"].seek(0)
    assert client.post(reverse("bulk:imports"), upload).status_code == 403
    assert _files(Path(settings.CRM_IMPORT_DIR)) == []


@pytest.mark.django_db
def test_a_row_the_check_cannot_read_fails_the_job_with_its_row_named(clerk):
    data = csv_bytes([good_row(1), good_row(2)]) + b'"never closed,' + b"x" * 200_000
    job = ImportJob.objects.create(owner=clerk, filename="quote.csv", file_format="csv")
    pipeline.store_upload(job, [data])
    job = pipeline.check(job)
    assert job.status == JobStatus.FAILED and "4" in job.message and "131,072" in job.message


@pytest.mark.django_db
def test_the_error_report_of_a_file_unreadable_further_on_ends_with_the_reason(client, clerk):
    client.force_login(clerk)
    data = csv_bytes([good_row(1), good_row(2)]) + b'"never closed,' + b"x" * 200_000
    client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("quote.csv", data)})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED
    response = client.get(reverse("bulk:job_report", args=[job.pk]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert response.status_code == 200 and len(lines) == 4 and job.message in lines[-1]


@pytest.mark.django_db
def test_with_djangos_own_upload_handlers_the_page_still_checks_and_stores_encrypted(client, clerk, settings):
    settings.FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
    client.force_login(clerk)
    data = csv_bytes([good_row(1, 名称=MARKER)])
    client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("list.csv", data)})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKED and job.good_rows == 1
    assert _holding(MARKER.encode(), Path(settings.CRM_IMPORT_DIR)) == []
    with pipeline.open_upload(job) as source:
        assert source.read() == data
