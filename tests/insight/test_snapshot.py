"""The snapshot: refreshed whole or not at all, idempotent, pruned (issue 20 item 1)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from insight import refresh as refresh_module
from insight.models import CustomerAmount, CustomerScore, DepartmentFigures, Snapshot, SnapshotStatus
from insight.refresh import snapshot_refresh, snapshots_prune
from insight.tasks import nightly_refresh, refresh_request
from tests.insight.helpers import approved, booked

pytestmark = pytest.mark.django_db

FIGURES = (
    "customer_id", "frequency", "recency_days", "value_score", "value_class", "potential_score", "loyalty_score",
    "completeness", "missing",
)  # fmt: skip


def _figures(snapshot) -> list[tuple]:
    return list(CustomerScore.objects.filter(snapshot=snapshot).order_by("customer_id").values_list(*FIGURES))


@pytest.fixture
def trading(clerk, reviewer, other_department):
    customers = [approved(clerk, reviewer) for _ in range(3)]
    for i, customer in enumerate(customers, start=1):
        booked(clerk, reviewer, customer, timezone.now() - timedelta(days=i), f"{i * 100}.00")
    return customers


def test_a_refresh_twice_gives_the_same_figures_and_keeps_one_current(trading):
    as_of = timezone.now()
    first = snapshot_refresh(as_of=as_of)
    figures = _figures(first)
    second = snapshot_refresh(as_of=as_of)

    assert len(figures) == 3 and _figures(second) == figures
    assert Snapshot.objects.get(status=SnapshotStatus.CURRENT) == second
    assert not Snapshot.objects.filter(pk=first.pk).exists()  # superseded, then pruned with its rows
    assert not CustomerScore.objects.filter(snapshot_id=first.pk).exists()


def test_a_refresh_killed_half_way_leaves_the_previous_snapshot_whole(trading, department, other_department):
    before = snapshot_refresh()
    rows_before = _figures(before)
    real_build = refresh_module.department_build
    calls = []

    def dies_on_the_second_department(cursor, params):
        calls.append(params["department"])
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real_build(cursor, params)

    dying = mock.patch.object(refresh_module, "department_build", dies_on_the_second_department)
    with dying, pytest.raises(KeyboardInterrupt):
        snapshot_refresh()

    assert Snapshot.objects.get(status=SnapshotStatus.CURRENT) == before
    assert _figures(before) == rows_before
    abandoned = Snapshot.objects.get(status=SnapshotStatus.BUILDING)
    # The next refresh after the abandoned one's time is up removes it, rows and all.
    Snapshot.objects.filter(pk=abandoned.pk).update(started_at=timezone.now() - timedelta(days=1))
    latest = snapshot_refresh()
    assert list(Snapshot.objects.values_list("pk", "status")) == [(latest.pk, SnapshotStatus.CURRENT)]
    for model in (CustomerScore, CustomerAmount, DepartmentFigures):
        assert not model.objects.filter(snapshot_id__in=[before.pk, abandoned.pk]).exists()


def test_a_building_snapshot_is_not_pruned_while_it_may_still_be_running(trading):
    building = Snapshot.objects.create(taken_at=timezone.now(), taken_on=timezone.localdate(), window_days=365)
    assert snapshots_prune() == 0
    assert Snapshot.objects.filter(pk=building.pk).exists()


def test_a_snapshot_that_finishes_after_a_newer_one_does_not_replace_it(trading):
    newer = snapshot_refresh()
    older = snapshot_refresh(as_of=newer.taken_at - timedelta(hours=1))
    assert Snapshot.objects.get(status=SnapshotStatus.CURRENT) == newer
    assert not Snapshot.objects.filter(pk=older.pk).exists()


def test_the_command_refreshes_and_can_queue_the_nightly_run(trading, capsys):
    call_command("insight_refresh", "--schedule")
    out = capsys.readouterr().out
    current = Snapshot.objects.get(status=SnapshotStatus.CURRENT)
    assert f"{current.taken_on}: 3 customers" in out
    queued = DBTaskResult.objects.get(task_path=nightly_refresh.module_path)
    assert timezone.localtime(queued.run_after).hour == 1 and queued.run_after > timezone.now()


def test_the_command_keeps_a_current_snapshot_when_asked_only_for_a_missing_one(trading, capsys):
    call_command("insight_refresh", "--if-missing")
    first = Snapshot.objects.get(status=SnapshotStatus.CURRENT)
    call_command("insight_refresh", "--if-missing")
    assert "nothing to do" in capsys.readouterr().out
    assert list(Snapshot.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_nightly_task_refreshes_and_queues_the_next_night(trading):
    assert nightly_refresh.call() == 3
    assert Snapshot.objects.filter(status=SnapshotStatus.CURRENT).exists()
    assert DBTaskResult.objects.filter(task_path=nightly_refresh.module_path).count() == 1


def test_a_manager_queues_at_most_one_refresh_at_a_time(manager):
    assert refresh_request(actor=manager) is True
    assert refresh_request(actor=manager) is False
    assert DBTaskResult.objects.count() == 1


def test_a_refresh_whose_worker_died_long_ago_does_not_block_the_button(manager):
    assert refresh_request(actor=manager) is True
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(hours=13))
    assert refresh_request(actor=manager) is True
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(minutes=5))
    assert refresh_request(actor=manager) is False
