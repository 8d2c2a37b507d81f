"""Issue 17, "Demo data": seed_demo destroys 司马远航 through the real workflow."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from lifecycle.models import DestructionRecord, DestructionRequest, DestructionStatus, LegalHold
from tests.lifecycle.test_destruction import every_table_as_text, raw_sqlite_bytes

VALUES = ("司马远航", "110101198001010037", "13900001111", "sima.yuanhang@example.cn", "6222020200112233446",
          "北京市东城区示例胡同9号")  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_leaves_none_of_the_destroyed_customers_values_in_the_database():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    record = DestructionRecord.objects.get()
    assert (record.requested_by.username, record.approved_by.username) == ("manager1", "security1")
    assert record.shredded_keys == 1 and record.erased["customers.HistoricalCustomer"]["rows"] >= 3
    assert DestructionRequest.objects.filter(status=DestructionStatus.REQUESTED).count() == 1
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 1
    assert "司马远航" in out.getvalue()  # the command's summary names it; the database does not

    dump = every_table_as_text()
    assert "v1:" in dump  # the other customers' sealed values are there
    assert [v for v in VALUES if v in dump] == []
    if connection.vendor == "sqlite":
        raw = raw_sqlite_bytes()
        assert [v for v in VALUES if v.encode() in raw] == []
