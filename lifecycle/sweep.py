"""The daily sweep (issue 17 item 6): fills the queues and says what it did.

Idempotent: the re-verification and destruction queues are computed from the
records themselves (the sweep counts what is in them); samples are drawn once per
week-long period; the SQLite write-ahead log is truncated so no erased value
outlives a destruction there (a checkpoint a busy reader blocked is retried here)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from customers.models import Customer, Status
from lifecycle import rights
from lifecycle.models import DestructionRequest, DestructionStatus, LegalHold
from lifecycle.selectors import reverify_cutoff
from lifecycle.services.sampling import samples_draw
from lifecycle.shredding import sqlite_forget_old_pages


def lifecycle_sweep() -> dict[str, int]:
    cutoff = reverify_cutoff()
    approved = Customer.objects.filter(status=Status.APPROVED)
    passed = Customer.objects.filter(status__in=rights.DESTROYABLE, retention_until__lt=timezone.localdate())
    samples = samples_draw()
    open_request = DestructionRequest.objects.filter(customer=OuterRef("pk"), status=DestructionStatus.REQUESTED)
    active_hold = LegalHold.objects.filter(customer=OuterRef("pk"), lifted_at__isnull=True)
    figures = {
        "reverify_due": approved.filter(contact_verified_at__lt=cutoff).count(),
        "reverify_next_30_days": approved.filter(
            contact_verified_at__gte=cutoff, contact_verified_at__lt=cutoff + timedelta(days=30)
        ).count(),
        "samples_drawn": samples["drawn"],
        "samples_unassigned": samples["unassigned"],
        "retention_passed": passed.count(),
        "destruction_queue": passed.exclude(Exists(open_request)).exclude(Exists(active_hold)).count(),
        "destructions_waiting_for_approval": DestructionRequest.objects.filter(
            status=DestructionStatus.REQUESTED
        ).count(),
        "legal_holds": LegalHold.objects.filter(lifted_at__isnull=True).count(),
    }
    sqlite_forget_old_pages()
    return figures


def next_run(now: datetime | None = None) -> datetime:
    """Tomorrow at 02:00 local time: the quiet hour the worker sweeps in."""
    now = timezone.localtime(now)
    return datetime.combine(now.date() + timedelta(days=1), time(2, 0), now.tzinfo)
