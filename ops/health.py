"""Whether this installation can serve (/healthz), and the worker's heartbeat
that tells it the background worker is alive.

Each check answers only ok or failed: never a key, a count of personal data, an
error message or a host name (the reason of a failure goes to the server log)."""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from audit.chain import audit_key
from ops.models import WorkerHeartbeat
from vault import crypto
from vault.models import DataKey

logger = logging.getLogger("custodian.health")

OK, FAILED = "ok", "failed"
# Rows of workers that died without a word are pruned after this long.
FORGET_AFTER = timedelta(days=1)


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def keys_load() -> bool:
    """The field keys unwrap a stored data key (any one: they match this database)
    and wrap and unwrap a fresh one, the blind-index key indexes, and the access
    log's key is present and well formed."""
    stored = DataKey.objects.order_by("pk").first()  # the primary key's index: one row, at any size
    if stored is not None:
        crypto.unwrap(stored)
    probe = os.urandom(16).hex()
    data_key = crypto.new_data_key()
    token = crypto.encrypt(data_key, probe, aad=b"custodian/healthz")
    data_key._aead = None  # decrypt through the wrapped key, not the cipher kept from wrapping
    unwrapped = crypto.decrypt(data_key, token, aad=b"custodian/healthz", where="healthz")
    return (
        hmac.compare_digest(unwrapped, probe)
        and bool(crypto.blind_index("healthz", "probe"))
        and len(audit_key()) >= 32
    )


def worker_alive(now=None) -> bool:
    now = now or timezone.now()
    fresh_since = now - timedelta(seconds=settings.CRM_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=fresh_since).exists()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_answers,
    "keys": keys_load,
    "worker": worker_alive,
}


def health() -> dict[str, str]:
    """{"database": "ok"|"failed", "keys": …, "worker": …}. A check that raises has failed."""
    answers = {}
    for name, check in CHECKS.items():
        try:
            answers[name] = OK if check() else FAILED
        except Exception:  # any failure is "failed"; the reason goes to the log
            logger.warning("Health check %r failed", name, exc_info=True)
            answers[name] = FAILED
    return answers


# The worker's heartbeat ----------------------------------------------------------


@transaction.atomic
def heartbeat_beat(worker_id: str, *, started_at, now=None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"beat_at": now}, create_defaults={"started_at": started_at, "beat_at": now}
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def heartbeat_stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@contextlib.contextmanager
def heartbeat(worker_id: str) -> Iterator[None]:
    """The worker's companion (bulk.worker): a first beat now, then one every
    `CRM_WORKER_HEARTBEAT_SECONDS` from a thread of the worker's own process (so it
    dies with it); the row is deleted when the worker stops."""
    started_at = timezone.now()
    heartbeat_beat(worker_id, started_at=started_at)
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.CRM_WORKER_HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    heartbeat_beat(worker_id, started_at=started_at)
                except Exception:  # a missed beat is retried; /healthz sees it go stale
                    logger.warning("The worker's heartbeat could not be written", exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="custodian-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        with contextlib.suppress(Exception):
            heartbeat_stop(worker_id)
