"""Writes to the access log, and the check of its chain."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import chain
from audit.client import client_address
from audit.models import GENESIS, AccessLog, AccessLogHead

_CONTROL = dict.fromkeys(range(32)) | {0x7F: None}


def _text(value: str) -> str:
    """Free text as it may be stored: no control characters (PostgreSQL refuses NUL)."""
    return str(value or "").translate(_CONTROL)[:2000]


def _ip_or_none(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def access_log_record(
    *,
    action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    customer: Any = None,
    field: str = "",
    purpose: str = "",
    detail: dict | None = None,
    actor_name: str = "",
) -> AccessLog:
    """Append one entry. Joins the caller's transaction, so an action and its log
    entry commit or roll back together."""
    with transaction.atomic():
        AccessLogHead.objects.bulk_create([AccessLogHead(pk=1)], ignore_conflicts=True)
        # Row lock: the race is two writers chaining onto the same last entry.
        head = AccessLogHead.objects.select_for_update().get(pk=1)
        entry = AccessLog(
            id=head.last_id + 1,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_text(actor_name or getattr(actor, "username", ""))[:150],
            action=action,
            customer_id=getattr(customer, "pk", None),
            customer_archive_no=getattr(customer, "archive_no", "") or "",
            field=_text(field)[:50],
            purpose=_text(purpose),
            address=_ip_or_none(client_address(request)),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash(keyed=entry.id >= head.keyed_since)
        entry.save(force_insert=True)
        head.last_id, head.last_hash, head.count = entry.id, entry.hash, head.count + 1
        head.save(update_fields=["last_id", "last_hash", "count"])
        if chain.checkpoint_due(entry.id):
            # Outside the database, and only once the entry is committed: a rolled-back
            # entry must not be vouched for.
            point = {
                "entry_id": entry.id,
                "entry_hash": entry.hash,
                "count": head.count,
                "keyed_since": head.keyed_since,
                "at": entry.at.isoformat(),
            }
            transaction.on_commit(lambda: chain.write_checkpoint(**point), robust=True)
    return entry


def access_log_checkpoint() -> chain.Checkpoint:
    """Write a checkpoint of the chain's head now (`verify_audit_log --checkpoint`,
    run hourly by the operator's scheduler)."""
    head = AccessLogHead.objects.filter(pk=1).first() or AccessLogHead(pk=1)
    last = AccessLog.objects.filter(pk=head.last_id).only("at").first()
    return chain.write_checkpoint(
        entry_id=head.last_id,
        entry_hash=head.last_hash,
        count=head.count,
        keyed_since=head.keyed_since,
        at=(last.at if last else timezone.now()).isoformat(),
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def access_log_verify(
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    checkpoints: list[chain.Checkpoint] | None = None,
) -> VerifyResult:
    """Walk the whole chain in id order, in batches (constant memory), and name the
    first entry that was changed, removed, reordered or does not follow its
    predecessor; then compare the end with the chain's head and every checkpoint
    kept outside the database (`CRM_AUDIT_CHECKPOINT_FILE` unless given), which is
    what finds a log cut short or emptied with its head reset."""
    if checkpoints is None:
        try:
            checkpoints = chain.read_checkpoints()
        except chain.CheckpointError as exc:
            return VerifyResult(False, 0, None, f"checkpoint file: {exc}")
    vouched = {point.id: point for point in checkpoints}
    head = AccessLogHead.objects.filter(pk=1).first()
    keyed_since = head.keyed_since if head else 1
    moved = [point for point in checkpoints if point.keyed_since != keyed_since]
    if moved:
        return VerifyResult(
            False, 0, None, f"the chain's keyed start was moved (checkpoint #{moved[0].id} says {moved[0].keyed_since})"
        )
    prev_id, prev_hash, checked = 0, GENESIS, 0
    while True:
        batch = list(AccessLog.objects.filter(id__gt=prev_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.id != prev_id + 1:
                return VerifyResult(False, checked, prev_id + 1, f"entry #{prev_id + 1} is missing")
            if entry.prev_hash != prev_hash:
                return VerifyResult(False, checked, entry.id, "does not follow the entry before it")
            if not hmac.compare_digest(entry.compute_hash(keyed=entry.id >= keyed_since), entry.hash):
                return VerifyResult(False, checked, entry.id, "its contents were changed")
            point = vouched.get(entry.id)
            if point is not None and point.hash != entry.hash:
                return VerifyResult(False, checked, entry.id, "differs from its checkpoint: the log was rewritten")
            prev_id, prev_hash, checked = entry.id, entry.hash, checked + 1
        if progress:
            progress(len(batch))
    beyond = [point for point in checkpoints if point.id > prev_id]
    if beyond:
        last = max(beyond, key=lambda point: point.id)
        return VerifyResult(
            False,
            checked,
            prev_id + 1,
            f"entries #{prev_id + 1}–#{last.id} are missing: a checkpoint of {last.at} vouches for #{last.id}",
        )
    expected = (head.count, head.last_hash) if head else (0, GENESIS)
    if (checked, prev_hash) != expected:
        return VerifyResult(False, checked, prev_id + 1, "entries are missing at the end of the log")
    return VerifyResult(True, checked)
