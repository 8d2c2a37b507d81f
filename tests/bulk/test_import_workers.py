"""Large files are checked by worker processes while the importing process writes
(issue 8): the result must be the one a single process gives."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from bulk import duplicates, pipeline
from bulk.models import ImportJob, JobStatus
from customers.models import Customer, Tag
from tests.bulk.helpers import csv_bytes, good_row
from tests.factories import CustomerFactory, make_resident_id


def _rows() -> list[dict]:
    """Good rows, refused rows, repeats within the file and a tag, spread over batches."""
    rows = [good_row(n, 标签="重点" if n == 4 else "") for n in range(1, 31)]
    rows[5]["证件号码"] = rows[5]["证件号码"][:-1] + ("0" if rows[5]["证件号码"][-1] != "0" else "1")  # check digit
    rows[9]["手机号码"] = "12345"
    rows[12]["同意时间"] = "2026-13-40"
    rows[17] = good_row(3, 名称="重复")  # the ID number of row 4 of the sheet
    rows[21]["手机号码"] = rows[2]["手机号码"]  # flagged, still imported
    rows[25]["保存期限至"] = "2020-01-01"
    return rows


def _import(clerk, data: bytes) -> ImportJob:
    job = ImportJob.objects.create(owner=clerk, filename="big.csv", file_format="csv")
    pipeline.store_upload(job, [data])
    job = pipeline.check(job)
    job.status = JobStatus.IMPORT_QUEUED
    job.save()
    return pipeline.run_import(job, actor=clerk)


def _outcome(job: ImportJob) -> dict:
    customers = Customer.objects.filter(entered_by=job.owner).prefetch_related("tags").order_by("name")
    return {
        "counts": (job.total_rows, job.good_rows, job.bad_rows, job.imported_rows, job.refused_rows, job.flagged_rows),
        "problems": sorted(job.problems.values_list("phase", "row", "column", "message", "warning")),
        "customers": [
            (
                c.name,
                c.id_number,
                c.bank_account,
                str(c.mobile),
                c.birth_date,
                c.gender,
                c.consent_at,
                c.retention_until,
                c.status,
                c.owner_id,
                c.department_id,
                [t.name for t in c.tags.all()],
                c.history.count(),
                job.owner.has_perm("customers.change_customer", c),
            )
            for c in customers
        ],
    }


@pytest.mark.django_db
def test_worker_processes_import_exactly_what_one_process_imports(clerk, settings, monkeypatch):
    Tag.objects.create(name="重点")
    data = csv_bytes(_rows())
    monkeypatch.setattr(pipeline, "BATCH", 4)  # many batches in flight at once, answered out of order
    monkeypatch.setattr(pipeline, "PARALLEL_FROM_BYTES", 0)

    settings.CRM_IMPORT_WORKERS = 0
    assert pipeline.workers_for(len(data)) == 0
    with transaction.atomic():
        alone = _outcome(_import(clerk, data))
        transaction.set_rollback(True)  # the same rows again, from an empty table

    settings.CRM_IMPORT_WORKERS = 2
    assert pipeline.workers_for(len(data)) == 2
    together = _outcome(_import(clerk, data))

    assert together == alone
    assert together["counts"] == (30, 25, 5, 25, 5, 1)
    assert len(together["customers"]) == 25 and together["customers"][0][-2:] == (1, True)
    assert sum(1 for c in together["customers"] if c[11] == ["重点"]) == 1


def _query_the_database(batch, prepare):
    return Customer.objects.count()


@pytest.mark.django_db
def test_a_worker_process_never_uses_the_database(clerk, settings, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(pipeline, "_check_batch", _query_the_database)
    settings.CRM_IMPORT_WORKERS = 1
    job = ImportJob.objects.create(owner=clerk, filename="c.csv", file_format="csv")
    pipeline.store_upload(job, [csv_bytes([good_row(1)])])
    with pytest.raises(RuntimeError, match="never uses the database"):
        pipeline.check(job)
    assert Customer.objects.count() == 0  # and this process's connection still works


@pytest.mark.django_db
def test_same_name_and_birth_date_in_the_database_is_flagged_in_every_query_chunk(clerk, other_clerk, monkeypatch):
    monkeypatch.setattr(duplicates, "PEOPLE_PER_QUERY", 2)
    twins = []
    for n in (2, 5, 8):
        born = date(1970 + n % 40, 1, 1)
        twins.append(
            CustomerFactory(actor=other_clerk, name=f"导入{n}", id_number=make_resident_id(born, sequence=900 + n))
        )
    job = ImportJob.objects.create(owner=clerk, filename="c.csv", file_format="csv")
    pipeline.store_upload(job, [csv_bytes([good_row(n) for n in range(1, 10)])])
    job = pipeline.check(job)
    flagged = {(p.row, p.column): p.message for p in job.problems.filter(warning=True)}
    assert set(flagged) == {(3, "名称"), (6, "名称"), (9, "名称")}
    # Another clerk's records: flagged without their archive numbers (no existence oracle).
    assert twins[1].archive_no not in flagged[(6, "名称")]
    assert job.bad_rows == 0  # a possible duplicate is imported, flagged


@pytest.mark.django_db
def test_a_repeated_bad_value_is_refused_on_every_row_it_appears_on(clerk):
    """The checker remembers a column's answers: a remembered refusal is still a refusal."""
    rows = [good_row(n, 同意时间="2026-13-40", 客户类型="外星人" if n > 2 else "个人") for n in range(1, 5)]
    job = ImportJob.objects.create(owner=clerk, filename="c.csv", file_format="csv")
    pipeline.store_upload(job, [csv_bytes(rows)])
    job = pipeline.check(job)
    problems = [(p.row, p.column, p.message) for p in job.problems.filter(warning=False)]
    dates = [p for p in problems if p[1] == "同意时间"]
    kinds = [p for p in problems if p[1] == "客户类型"]
    assert [r for r, _c, _m in dates] == [2, 3, 4, 5] and len({m for _r, _c, m in dates}) == 1
    assert [r for r, _c, _m in kinds] == [4, 5] and "外星人" in kinds[0][2]
    assert job.bad_rows == 4
