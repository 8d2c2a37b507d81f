"""Blank cells are blank (issue 14, item 9): an optional column left empty in a
row imports that row, in CSV and in XLSX (where an empty cell reads as None)."""

from __future__ import annotations

import csv
import io

import pytest

from bulk import columns, pipeline
from bulk.models import ImportJob, JobStatus
from customers.forms import FORM_FIELDS
from customers.models import Customer
from tests.factories import make_bank_account, make_resident_id

# A full individual's row, every import column filled in the way people type it.
FULL_ROW = {
    "kind": "个人",
    "name": "空格客户",
    "gender": "男",
    "birth_date": "1990-03-07",
    "id_type": "居民身份证",
    "id_number": make_resident_id(),
    "customer_nature": "",
    "tier": "",
    "tags": "",
    "lifecycle_stage": "",
    "source_channel": "",
    "mobile": "13912345678",
    "phone": "010-62345678",
    "email": "kong@example.cn",
    "province": "北京市",
    "city": "北京市",
    "district": "海淀区",
    "address": "中关村大街1号",
    "postal_code": "100080",
    "occupation": "工程师",
    "employer": "某公司",
    "bank_account": make_bank_account(7),
    "interests": "理财",
    "credit_status": "",
    "credit_note": "无",
    "pain_points": "无",
    "product_needs": "定期",
    "competitors": "无",
    "archive_location": "一号柜",
    "education": "",
    "school": "某大学",
    "marital_status": "",
    "spouse_name": "某某",
    "children_count": "1",
    "relationship_since": "2020-01-02",
    "consent_purpose": "开户及客户服务",
    "consent_at": "2026-01-02 10:00",
    "retention_until": "2031-01-02",
}
# Columns that only come in pairs: an ID type names the type of an ID number.
PAIRED = {"id_type": "id_number", "id_number": "id_type"}
OPTIONAL = [name for name in FORM_FIELDS if name not in columns.REQUIRED]


def _fill_choices(row: dict) -> dict:
    """Choice columns left "" above get their last choice's code."""
    for name, value in row.items():
        field = Customer._meta.get_field(name)
        if value == "" and getattr(field, "choices", None):
            row[name] = field.flatchoices[-1][0]
    return row


def _rows(blank: str) -> tuple[list[str], list[dict]]:
    headers = list(FORM_FIELDS)
    full = _fill_choices(dict(FULL_ROW))
    emptied = dict(full, name="留空客户", mobile="13912345679", id_number=make_resident_id(sequence=124))
    emptied["bank_account"] = make_bank_account(8)
    emptied["gender"] = "女"
    for name in (blank, PAIRED.get(blank)):
        if name:
            emptied[name] = None
    return headers, [full, emptied]


def _csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, restval="")
    writer.writeheader()
    writer.writerows([{k: ("" if v is None else v) for k, v in row.items()} for row in rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(headers, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])  # None: an empty cell
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("blank", OPTIONAL)
def test_a_row_whose_optional_column_is_empty_is_imported(clerk, blank, file_format):
    headers, rows = _rows(blank)
    data = (_csv if file_format == "csv" else _xlsx)(headers, rows)
    job = ImportJob.objects.create(owner=clerk, filename=f"people.{file_format}", file_format=file_format)
    pipeline.store_upload(job, [data])
    job = pipeline.check(job)
    assert job.status == JobStatus.CHECKED, job.message
    problems = [f"{p.row} {p.column}: {p.message}" for p in job.problems.filter(warning=False)]
    assert problems == [] and job.good_rows == 2
    job.status = JobStatus.IMPORT_QUEUED
    job.save()
    job = pipeline.run_import(job, actor=clerk)
    assert job.imported_rows == 2
    emptied = Customer.objects.get(name="留空客户")
    field = Customer._meta.get_field(blank)
    if blank == "tags":
        assert not emptied.tags.exists()
    elif blank in ("gender", "birth_date"):  # read from the resident ID number
        assert getattr(emptied, blank) not in (None, "")
    elif field.has_default():  # an empty cell is the field's default, as on the form
        assert getattr(emptied, blank) == field.default
    else:
        assert getattr(emptied, blank) in (None, "")
