"""/healthz (issue 18 item 5): ok or failed for the database, the keys and the
background worker, 200 when all answer and 503 naming the part that failed;
no login, no detail beyond ok/failed."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from bulk import worker
from ops import health
from ops.models import WorkerHeartbeat
from vault.crypto import new_data_key

pytestmark = pytest.mark.django_db
HEALTHY = {"database": "ok", "keys": "ok", "worker": "ok"}


def _beat(seconds_ago: int = 0, worker_id: str = "host:1:1") -> None:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"started_at": at, "beat_at": at})


def _ask(client):
    response = client.get(reverse("ops:healthz"))
    return response.status_code, json.loads(response.content)


def test_a_healthy_installation_answers_200_with_every_part_ok_and_nothing_else(client):
    _beat()
    status, body = _ask(client)
    assert status == 200
    assert body == {"status": "ok", "checks": HEALTHY}


def test_healthz_needs_no_login_and_is_never_cached(client):
    _beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_database_that_does_not_answer_gives_503_naming_the_database(client):
    _beat()
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused at 10.0.0.5")):
        status, body = _ask(client)
    assert status == 503
    assert body["status"] == "failed"
    assert body["checks"]["database"] == "failed"
    assert "10.0.0.5" not in json.dumps(body)  # the reason goes to the log, not to the answer


def test_a_worker_whose_heartbeat_is_stale_gives_503_naming_the_worker(client, settings):
    settings.CRM_WORKER_STALE_SECONDS = 60
    _beat(seconds_ago=61)
    status, body = _ask(client)
    assert status == 503
    assert body == {"status": "failed", "checks": {**HEALTHY, "worker": "failed"}}


def test_no_worker_ever_started_gives_503_naming_the_worker(client):
    status, body = _ask(client)
    assert status == 503
    assert body["checks"] == {**HEALTHY, "worker": "failed"}


def test_a_missing_audit_key_gives_503_naming_the_keys(client, settings):
    _beat()
    settings.CRM_AUDIT_KEY = ""
    status, body = _ask(client)
    assert status == 503
    assert body["checks"] == {**HEALTHY, "keys": "failed"}


def test_field_keys_that_do_not_unwrap_the_databases_data_keys_give_503_naming_the_keys(client, settings):
    _beat()
    new_data_key().save()  # a stored data key, wrapped by the test's master key
    settings.CRM_FIELD_KEYS = "k9:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # another key, not the database's
    status, body = _ask(client)
    assert status == 503
    assert body["checks"] == {**HEALTHY, "keys": "failed"}


def test_healthz_takes_no_post(client):
    assert client.post("/healthz").status_code == 405


def test_the_heartbeat_beats_while_the_worker_runs_and_is_gone_when_it_stops():
    with health.heartbeat("host:2:2"):
        beat = WorkerHeartbeat.objects.get(worker_id="host:2:2")
        assert health.worker_alive()
    assert not WorkerHeartbeat.objects.filter(worker_id="host:2:2").exists()
    assert beat.beat_at >= beat.started_at
    assert not health.worker_alive()


@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # the heartbeat thread writes through its own connection
def test_the_heartbeat_thread_beats_again_after_its_interval(settings):
    settings.CRM_WORKER_HEARTBEAT_SECONDS = 0.05
    with health.heartbeat("host:3:3"):
        first = WorkerHeartbeat.objects.get(worker_id="host:3:3").beat_at
        deadline = time.monotonic() + 10
        while WorkerHeartbeat.objects.get(worker_id="host:3:3").beat_at == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert WorkerHeartbeat.objects.get(worker_id="host:3:3").beat_at > first


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes its connection between rounds
def test_db_worker_writes_its_heartbeat_while_it_runs(monkeypatch):
    seen = {}

    def spy(worker_id):
        seen["alive"] = WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()
        return mock.MagicMock()

    monkeypatch.setitem(worker.WORKER_COMPANIONS, "spy", spy)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert seen == {"alive": True}
    assert not WorkerHeartbeat.objects.exists()  # a worker that stopped is no longer counted


def test_a_heartbeat_before_its_start_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkerHeartbeat.objects.create(worker_id="host:4:4", started_at=now, beat_at=now - timedelta(seconds=1))
