"""Possible duplicates kept and judged (issue 19): the sweep's findings stored
for the managers' page, and a pair dismissed as "not the same customer"."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer, DuplicateDismissal, DuplicatePair
from customers.rights import may_handle_pair
from customers.sweep import SweepResult

STORE_BATCH = 5000


@transaction.atomic
def duplicate_pairs_store(result: SweepResult) -> int:
    """Replace the stored pairs by the sweep's, in one transaction: a sweep killed
    half-way leaves the previous findings whole."""
    DuplicatePair.objects.all().delete()
    now = timezone.now()
    DuplicatePair.objects.bulk_create(
        (
            DuplicatePair(first_id=p.a, second_id=p.b, rules=list(p.rules), score=p.score, found_at=now)
            for p in result.pairs
        ),
        batch_size=STORE_BATCH,
    )
    return len(result.pairs)


@transaction.atomic
def duplicate_dismiss(*, actor: User, first: Customer, second: Customer, reason: str) -> DuplicateDismissal:
    """Record that two records are not the same customer; the pair is not
    reported again (the sweep, the managers' page and the entry checks skip it)."""
    if not may_handle_pair(actor, first, second):
        raise PermissionDenied(_("Only a manager of one of the two records' departments may judge this pair."))
    low, high = DuplicateDismissal.key(first.pk, second.pk)
    if DuplicateDismissal.objects.filter(first_id=low, second_id=high).exists():
        raise ValidationError(_("This pair was already dismissed."), code="dismissed")
    dismissal = DuplicateDismissal(first_id=low, second_id=high, reason=(reason or "").strip(), dismissed_by=actor)
    dismissal.full_clean()
    dismissal.save()
    DuplicatePair.objects.filter(first_id=low, second_id=high).delete()
    return dismissal
