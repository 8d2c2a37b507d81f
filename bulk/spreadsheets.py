"""Writing spreadsheets that are safe to open: every CSV and XLSX the app hands
out (exports, the import's error report, the reports) goes through here.

A cell is never a formula. Text starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is what Excel and LibreOffice would run as a formula (a
`=HYPERLINK(...)` typed into a customer's note, sent back to whoever opens the
export), so it gets a leading `'`, as OWASP advises for CSV injection. Real
numbers (amounts, counts) stay numbers: a negative amount is a number, not the
text "-5". XLSX cells are typed — inline strings or numbers, nothing else — and
the workbook is written as a stream straight into the response: no temporary
file on disk, unlike openpyxl, which spools every sheet to one."""

from __future__ import annotations

import csv
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TYPES = (int, float, Decimal)
# Characters XML 1.0 cannot carry at all (a NUL typed into a field, a lone surrogate).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_cell(value: object) -> str | int | float | Decimal:
    """The cell as written: a number stays a number; anything else becomes text,
    with a `'` in front when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, NUMBER_TYPES) and not isinstance(value, bool):
        if not math.isfinite(value):
            return str(value)
        return value
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text, line by line, safe cells, with the BOM that makes Excel read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


# XLSX -----------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _text(value: str) -> str:
    # A carriage return as a character reference: XML readers turn a raw one into a newline.
    return escape(_NOT_XML.sub("\ufffd", value)).replace("\r", "&#13;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row_xml(number: int, values: Iterable[object]) -> str:
    cells = []
    for index, value in enumerate(values):
        cell = safe_cell(value)
        ref = f"{_column(index)}{number}"
        if isinstance(cell, str):
            if cell:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(cell)}</t></is></c>')
        else:
            cells.append(f'<c r="{ref}" t="n"><v>{cell}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


class _Pipe:
    """A write-only file for zipfile that hands over what was written."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = _BAD_TITLE.sub("-", _NOT_XML.sub("", str(title))).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    taken.add(candidate.lower())
    return candidate


def xlsx_chunks(sheets: Iterable[tuple[str, Iterable[Iterable[object]]]]) -> Iterator[bytes]:
    """An XLSX workbook, produced as it is written: (title, rows) per sheet."""
    pipe = _Pipe()
    titles: list[str] = []
    taken: set[str] = set()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for title, rows in sheets:
            titles.append(sheet_title(title, taken))
            with archive.open(f"xl/worksheets/sheet{len(titles)}.xml", "w") as sheet:
                sheet.write(_SHEET_HEAD.encode())
                pending: list[str] = []
                for number, values in enumerate(rows, start=1):
                    pending.append(_row_xml(number, values))
                    if len(pending) >= 500:
                        sheet.write("".join(pending).encode())
                        pending = []
                        yield pipe.take()
                sheet.write(("".join(pending) + _SHEET_TAIL).encode())
            yield pipe.take()
        count = range(1, len(titles) + 1)
        archive.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in count))
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, t in zip(count, titles, strict=True)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in count))
        )
        archive.writestr("xl/styles.xml", _STYLES)
    yield pipe.take()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
