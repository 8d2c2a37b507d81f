"""Spreadsheet import (issue 8): one pipeline for the page and the command."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bulk import pipeline
from bulk.models import ImportJob, JobStatus
from customers import services
from customers.forms import CustomerForm
from customers.models import Customer, Status
from tests.bulk.helpers import HEADERS_ZH, csv_bytes, good_row
from tests.factories import CustomerFactory, make_resident_id

# One table of records, good and bad, for the form and the importer: (typed values, fields the form refuses).
RECORDS = [
    ({}, set()),
    ({"名称": ""}, {"name"}),
    ({"证件号码": "110105199003071230"}, {"id_number"}),  # wrong check digit
    ({"证件号码": "11010519900307123X".lower()}, {"id_number"}),
    ({"手机号码": "12345"}, {"mobile"}),
    ({"手机号码": "+86 139-1000-0001"}, set()),  # spelled messily, still valid
    ({"银行账号": "6222000000000000001"}, {"bank_account"}),  # Luhn
    ({"告知客户的处理目的": ""}, {"consent_purpose"}),
    ({"保存期限至": "2020-01-01"}, {"retention_until"}),
]

FORM_NAMES = {
    "客户类型": "kind",
    "名称": "name",
    "证件类型": "id_type",
    "证件号码": "id_number",
    "手机号码": "mobile",
    "银行账号": "bank_account",
    "告知客户的处理目的": "consent_purpose",
    "同意时间": "consent_at",
    "保存期限至": "retention_until",
}
FORM_VALUES = {"个人": "individual", "居民身份证": "resident_id"}


def _job(clerk, data: bytes, name="customers.csv") -> ImportJob:
    job = ImportJob.objects.create(owner=clerk, filename=name, file_format=name.rsplit(".", 1)[1])
    pipeline.store_upload(job, [data])
    return job


def _form_data(row: dict) -> dict:
    data = {FORM_NAMES[k]: FORM_VALUES.get(v, v) for k, v in row.items() if k in FORM_NAMES}
    data["consent_at"] = "2026-01-02T10:00"
    data["retention_until"] = "2031-01-02" if row["保存期限至"].startswith("2031") else row["保存期限至"]
    data.update(tier="general", lifecycle_stage="prospect", credit_status="good")
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "refused"), RECORDS)
def test_the_importer_and_the_form_give_the_same_verdict(clerk, overrides, refused):
    row = good_row(7, **overrides)
    # The importer first: the form's successful entry would be a duplicate for it.
    job = pipeline.check(_job(clerk, csv_bytes([row])))
    import_refused = {p.column for p in job.problems.filter(warning=False)}
    form = CustomerForm(_form_data(row))
    form_refused = set(form.errors) if not form.is_valid() else set()
    if not form_refused:
        # The form's path to review: save the draft, then confirm (the model's rules for a pending entry).
        try:
            draft = services.customer_create(actor=clerk, fields=form.model_values())
            services.customer_submit(actor=clerk, customer=draft)
        except ValidationError as exc:
            form_refused = set(exc.message_dict)
    assert {FORM_NAMES[c] for c in import_refused} == form_refused == refused


@pytest.mark.django_db
def test_good_rows_become_pending_bad_rows_are_reported_nothing_else_is_written(clerk, other_clerk, reviewer):
    existing_id = make_resident_id(sequence=901)
    approved = services.customer_approve(
        actor=reviewer,
        customer=services.customer_submit(
            actor=other_clerk, customer=CustomerFactory(actor=other_clerk, id_number=existing_id)
        ),
    )
    rows = [
        good_row(1),
        good_row(2, 证件号码="1.10105E+17"),  # Excel's scientific notation
        good_row(3),
        good_row(1, 名称="又一遍"),  # the same ID as row 2 of the sheet: an in-file duplicate
        good_row(4, 证件号码=existing_id),  # already in the database
        good_row(5, 同意时间="2026-13-40"),
        good_row(6, 手机号码=str(approved.mobile)),  # a possible duplicate: imported, flagged
    ]
    before = Customer.objects.count()
    job = pipeline.check(_job(clerk, csv_bytes(rows)))
    assert (job.total_rows, job.good_rows, job.bad_rows) == (7, 3, 4)
    problems = {(p.row, p.column) for p in job.problems.filter(warning=False)}
    assert problems == {(3, "证件号码"), (5, "证件号码"), (6, "证件号码"), (7, "同意时间")}
    assert "科学计数" in job.problems.get(row=3).message or "scientific" in job.problems.get(row=3).message
    assert job.problems.filter(row=8, warning=True).exists()
    assert Customer.objects.count() == before  # the check writes nothing

    job.status = JobStatus.IMPORT_QUEUED
    job.save()
    job = pipeline.run_import(job, actor=clerk)
    assert (job.status, job.imported_rows, job.refused_rows, job.flagged_rows) == (JobStatus.DONE, 3, 4, 1)
    imported = Customer.objects.filter(entered_by=clerk)
    assert imported.count() == 3 and set(imported.values_list("status", flat=True)) == {Status.PENDING}
    customer = imported.get(name="导入1")
    assert customer.history.count() == 1 and customer.history.first().history_user == clerk
    assert customer.id_number == good_row(1)["证件号码"] and customer.data_key_id
    assert clerk.has_perm("customers.view_customer", customer)  # the maker's object rights
    assert customer.consent_at == timezone.make_aware(timezone.datetime(2026, 1, 2, 10, 0))
    assert job.path.exists() and good_row(1)["证件号码"].encode() not in job.path.read_bytes()


@pytest.mark.django_db
def test_missing_required_columns_are_refused_before_anything_is_read(clerk):
    headers = [h for h in HEADERS_ZH if h != "保存期限至"] + ["备用列"]
    job = pipeline.check(_job(clerk, csv_bytes([good_row(1)], headers=headers)))
    assert job.status == JobStatus.FAILED and "保存期限" in job.message
    assert not job.problems.exists()


@pytest.mark.django_db
def test_english_headers_xlsx_and_the_chinese_date_spellings(clerk):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Kind",
            "Name",
            "ID type",
            "ID number",
            "Mobile",
            "Purpose told to the customer",
            "Consent given at",
            "Keep until",
            "Shoe size",
        ]
    )
    sheet.append(
        [
            "individual",
            "Excel客户",
            "resident_id",
            make_resident_id(sequence=33),
            "13900001111",
            "服务",
            "2026年1月2日",
            "2031/1/2",
            "42",
        ]
    )
    sheet.append(
        [
            "individual",
            "丢零客户",
            "resident_id",
            110105199003071234,
            "13900001112",
            "服务",
            "2026-01-02",
            "2031-01-02",
            "",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    job = pipeline.check(_job(clerk, out.getvalue(), name="people.xlsx"))
    assert job.ignored_columns == ["Shoe size"]
    assert (job.good_rows, job.bad_rows) == (1, 1)
    assert "Excel" in job.problems.get(row=3).message


@pytest.mark.django_db
def test_an_interrupted_import_resumes_and_imports_each_row_once(clerk, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH", 3)
    rows = [good_row(n) for n in range(1, 11)]
    job = pipeline.check(_job(clerk, csv_bytes(rows)))
    job.status = JobStatus.IMPORT_QUEUED
    job.save()
    real_write = pipeline._write
    calls = {"n": 0}

    def crash_on_third_batch(*args, **kwargs):
        calls["n"] += 1
        real_write(*args, **kwargs)
        if calls["n"] == 3:
            raise RuntimeError("the machine lost power")

    with mock.patch.object(pipeline, "_write", crash_on_third_batch), pytest.raises(RuntimeError):
        pipeline.run_import(job, actor=clerk)
    job.refresh_from_db()
    assert job.processed_rows == 6 and Customer.objects.count() == 6  # two whole batches, the third rolled back
    job = pipeline.run_import(job, actor=clerk)
    assert job.imported_rows == 10 and Customer.objects.count() == 10
    assert sorted(Customer.objects.values_list("name", flat=True)) == sorted(f"导入{n}" for n in range(1, 11))


@pytest.mark.django_db
def test_the_command_imports_with_a_summary(clerk, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(csv_bytes([good_row(1), good_row(2, 手机号码="1")]))
    out = io.StringIO()
    call_command("import_customers", str(path), "--user", clerk.username, stdout=out)
    assert "imported 1 rows" in out.getvalue()
    assert Customer.objects.filter(entered_by=clerk, status=Status.PENDING).count() == 1


@pytest.mark.django_db
def test_the_page_uploads_checks_imports_and_offers_the_report(client, clerk, reviewer):
    client.force_login(clerk)
    upload = SimpleUploadedFile("list.csv", csv_bytes([good_row(1), good_row(2, 证件号码="123")]), "text/csv")
    response = client.post(reverse("bulk:imports"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("bulk:job", args=[job.pk])
    page = client.get(response.url)
    assert page.context["job"].status == JobStatus.CHECKED and len(page.context["errors"]) == 1
    report = b"".join(client.get(reverse("bulk:job_report", args=[job.pk])).streaming_content).decode("utf-8-sig")
    lines = report.strip().splitlines()
    assert len(lines) == 3 and "18位" in lines[2] and lines[1].endswith(",")
    client.post(reverse("bulk:job_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.imported_rows == 1
    client.force_login(reviewer)
    assert "导入1" in client.get(reverse("review:queue")).content.decode()
    assert client.get(reverse("bulk:job", args=[job.pk])).status_code == 404  # another user's job


@pytest.mark.django_db
def test_uploads_that_are_not_spreadsheets_are_refused(client, clerk, reviewer):
    client.force_login(clerk)
    response = client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200 and response.context["form"].errors
    garbage = client.post(reverse("bulk:imports"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert garbage.status_code == 200 and "xlsx" in str(garbage.context["form"].errors)
    assert not ImportJob.objects.exists()
    client.force_login(reviewer)
    assert client.get(reverse("bulk:imports")).status_code == 403


@pytest.mark.django_db
def test_the_check_finds_repeats_across_batches(clerk, monkeypatch):
    monkeypatch.setattr(pipeline, "BATCH", 2)
    rows = [
        good_row(1),
        good_row(2),
        good_row(3),
        good_row(1, 名称="再来"),
        good_row(4, 手机号码=good_row(2)["手机号码"]),
    ]
    job = pipeline.check(_job(clerk, csv_bytes(rows)))
    assert (job.good_rows, job.bad_rows) == (4, 1)
    repeat = job.problems.get(warning=False)
    assert (repeat.row, repeat.column) == (5, "证件号码") and "2" in repeat.message
    flagged = job.problems.get(warning=True)
    assert (flagged.row, flagged.column) == (6, "手机号码") and "3" in flagged.message


@pytest.mark.django_db
def test_problems_about_id_numbers_never_repeat_the_number(clerk):
    from bulk.models import RowProblem

    number = make_resident_id(sequence=77)
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    rows = [good_row(1, 证件号码=bad), good_row(2, 证件号码="1.10105199003E+17"), good_row(3, 银行账号="6222 0000")]
    pipeline.check(_job(clerk, csv_bytes(rows)))
    stored = " ".join(RowProblem.objects.values_list("message", flat=True))
    assert RowProblem.objects.count() >= 3
    for secret in (bad, bad[:14], "110105199003", "62220000"):
        assert secret not in stored.replace(" ", "")
