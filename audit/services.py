"""Writes to the access log, and the check of its chain."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

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
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_id, head.last_hash, head.count = entry.id, entry.hash, head.count + 1
        head.save(update_fields=["last_id", "last_hash", "count"])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def access_log_verify(*, batch_size: int = 5000, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the whole chain in id order, in batches (constant memory), and name the
    first entry that was changed, removed, reordered or does not follow its
    predecessor; then compare the end with the chain's head."""
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
            if entry.compute_hash() != entry.hash:
                return VerifyResult(False, checked, entry.id, "its contents were changed")
            prev_id, prev_hash, checked = entry.id, entry.hash, checked + 1
        if progress:
            progress(len(batch))
    head = AccessLogHead.objects.filter(pk=1).first()
    expected = (head.count, head.last_hash) if head else (0, GENESIS)
    if (checked, prev_hash) != expected:
        return VerifyResult(False, checked, prev_id + 1, "entries are missing at the end of the log")
    return VerifyResult(True, checked)
