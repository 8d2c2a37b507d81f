"""A clerk uploads a small spreadsheet, sees the problems named by row and
column, imports the good rows and finds them in the review queue (issue 8)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from customers.models import Customer, Status
from tests.browser.test_review import _log_in
from tests.bulk.helpers import csv_bytes, good_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings, tmp_path):
    settings.CRM_IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_upload_preview_import_and_review(live_server, page, tmp_path):
    call_command("seed_demo", "--customers", "0", stdout=io.StringIO())
    sheet = tmp_path / "新客户.csv"
    sheet.write_bytes(csv_bytes([good_row(1), good_row(2, 手机号码="12"), good_row(3)]))

    _log_in(page, live_server, "clerk1")
    page.goto(f"{live_server.url}/bulk/imports/")
    page.set_input_files("#id_file", str(sheet))
    page.get_by_test_id("upload").click()
    page.wait_for_url(re.compile(r"/bulk/imports/\d+/$"))
    assert page.get_by_test_id("good").inner_text() == "2"
    problems = page.get_by_test_id("problems").inner_text()
    assert "3" in problems and "手机号码" in problems  # row 3 of the sheet, the mobile column
    assert not Customer.objects.exists()

    page.get_by_test_id("import").click()
    page.wait_for_url(re.compile(r"/bulk/imports/\d+/$"))
    assert page.get_by_test_id("imported").inner_text() == "2"
    assert set(Customer.objects.values_list("status", flat=True)) == {Status.PENDING}

    _log_in(page, live_server, "reviewer1")
    page.get_by_test_id("nav-review").click()
    queue = page.get_by_test_id("review-queue").inner_text()
    assert "导入1" in queue and "导入3" in queue and "导入2" not in queue
