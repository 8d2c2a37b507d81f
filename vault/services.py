"""Writes to the key table."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vault import crypto
from vault.keys import keyring
from vault.models import DataKey


def data_keys_stale_count() -> int:
    """Data keys not yet wrapped by the newest master key."""
    return DataKey.objects.exclude(master_key_id=keyring().newest.id).count()


def data_keys_rewrap(*, batch_size: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Re-wrap every data key under the newest master key; no value is re-encrypted.

    Each batch commits on its own, so an interrupted run keeps what it did and the
    next run picks up the rest (it selects only keys still under an old master
    key). Returns how many keys were re-wrapped."""
    newest = keyring().newest.id
    done = 0
    while True:
        with transaction.atomic():
            # Row locks: the race is two rotations re-wrapping the same key.
            batch = list(DataKey.objects.select_for_update().exclude(master_key_id=newest).order_by("id")[:batch_size])
            if not batch:
                return done
            now = timezone.now()
            for data_key in batch:
                crypto.rewrap(data_key)
                data_key.rewrapped_at = now
            DataKey.objects.bulk_update(batch, ["master_key_id", "wrapped", "rewrapped_at"])
        done += len(batch)
        if progress:
            progress(len(batch))
