"""Reading an uploaded spreadsheet as a stream of rows (CSV or XLSX, never the
whole file in memory), and refusing one that cannot be read before a job is made.
Part of the import pipeline (`bulk.pipeline`)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import suppress
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bulk import columns


def _text_stream(raw: io.BufferedIOBase) -> io.TextIOBase:
    """UTF-8 (with or without BOM) or, failing that, GB 18030 (what Excel saves in China)."""
    sample = raw.read(1 << 16)
    raw.seek(0)
    try:
        # Not final: a multi-byte character cut at the sample's end is still UTF-8.
        codecs.getincrementaldecoder("utf-8-sig")().decode(sample, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def iter_rows(source: BinaryIO, file_format: str) -> Iterator[tuple[int, list]]:
    """(spreadsheet row number, cells), the header first (row 1), read from a
    seekable binary file (the upload, decrypted as it is read). A file that
    cannot be read raises ValidationError saying what is wrong and where."""
    number = 0
    if file_format == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
            raise ValidationError(UNREADABLE_XLSX, code="unreadable") from exc
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True) if workbook.worksheets else iter(())
            for number, cells in enumerate(rows, start=1):
                yield number, list(cells)
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(
                _("The workbook is damaged after row %(row)s: open it in Excel and save it again as .xlsx."),
                params={"row": number},
                code="unreadable",
            ) from exc
        finally:
            workbook.close()
        return
    text = _text_stream(source)
    try:
        for number, cells in enumerate(csv.reader(text), start=1):
            yield number, cells
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Row %(row)s is not UTF-8 or GB 18030 text: save the file again as “CSV UTF-8”."),
            params={"row": number + 1},
            code="encoding",
        ) from exc
    except csv.Error as exc:
        raise ValidationError(
            _(
                "Row %(row)s cannot be read: a cell is longer than %(limit)s characters, "
                "or a quote is never closed. Correct the file and upload it again."
            ),
            params={"row": number + 1, "limit": f"{csv.field_size_limit():,}"},
            code="unreadable",
        ) from exc
    finally:
        with suppress(ValueError):  # already closed by its owner
            text.detach()  # the source is the caller's to close


UNREADABLE_XLSX = gettext_lazy(
    "This is not a readable .xlsx workbook: it is damaged, or another kind of file renamed .xlsx. "
    "Open it in Excel and save it again as .xlsx."
)


def refuse_unreadable(source: BinaryIO, file_format: str) -> None:
    """Before a job is made: the file is a spreadsheet we can read, with the
    required columns and at least one row; else ValidationError naming what is wrong."""
    head = source.read(1 << 16)
    source.seek(0)
    if not head:
        raise ValidationError(_("The file is empty (0 bytes)."), code="empty")
    if file_format == "csv":
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ValidationError(
                _("The file is UTF-16 text: save it again as “CSV UTF-8” and upload that."), code="encoding"
            )
        if head.startswith(b"PK\x03\x04"):
            raise ValidationError(_("This is an Excel workbook named .csv: upload it as .xlsx."), code="format")
        if b"\x00" in head:
            raise ValidationError(
                _("This is not a CSV file: it holds binary data. Upload a .csv or .xlsx spreadsheet."), code="binary"
            )
    rows = iter_rows(source, file_format)
    try:
        header = next(rows, None)
        if header is None or not any(str(c or "").strip() for c in header[1]):
            raise ValidationError(_("The file has no header row: its first row must name the columns."), code="empty")
        columns.map_headers([str(c or "") for c in header[1]])
        if not any(any(str(c).strip() for c in cells if c is not None) for _n, cells in rows):
            raise ValidationError(_("The file has column names but no rows of customers."), code="no_rows")
    finally:
        rows.close()
