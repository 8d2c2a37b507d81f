"""Sampling for a second check (issue 17 item 2): each week a share of the past
week's approvals (CRM_SAMPLE_SHARE, default 5 %) is drawn per department and given
to a reviewer who was neither the record's maker nor its checker; the result is kept
and feeds the error rate per clerk and per reviewer."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Customer, Status
from lifecycle.models import SampleCheck, SampleResult

PERIOD_DAYS = 7
_rng = random.SystemRandom()  # a sample nobody can predict


def sample_period(today: date | None = None) -> tuple[date, date]:
    """The past week: the seven days before `today` (end exclusive)."""
    end = today or timezone.localdate()
    return end - timedelta(days=PERIOD_DAYS), end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def _second_checkers(department_id: int) -> list[User]:
    reviewers = User.objects.filter(department_id=department_id, is_active=True).prefetch_related("groups")
    return [u for u in reviewers if u.has_role_permission("customers.review_customer")]


@transaction.atomic
def samples_draw(*, today: date | None = None, share: float | None = None) -> dict[str, int]:
    """Draw the past week's samples, once per period (a second run draws nothing).
    Returns what it did: drawn, already drawn, and records no one could check."""
    share = settings.CRM_SAMPLE_SHARE if share is None else share
    start, end = sample_period(today)
    since, until = _bounds(start, end)
    approved = Customer.objects.filter(
        status=Status.APPROVED, reviewed_at__gte=since, reviewed_at__lt=until, reviewed_by__isnull=False
    ).values_list("pk", "department_id", "entered_by_id", "reviewed_by_id")
    by_department: dict[int, list[tuple]] = {}
    for row in approved:
        by_department.setdefault(row[1], []).append(row)
    done = Counter()
    already = set(SampleCheck.objects.filter(period_start=start).values_list("department_id", flat=True))
    for department_id, rows in sorted(by_department.items()):
        if department_id in already:
            done["already"] += 1
            continue
        checkers = _second_checkers(department_id)
        load = Counter()
        for pk, _dept, maker, checker in _rng.sample(rows, math.ceil(share * len(rows))):
            eligible = [u for u in checkers if u.pk not in (maker, checker)]
            if not eligible:
                done["unassigned"] += 1
                continue
            reviewer = min(eligible, key=lambda u: (load[u.pk], _rng.random()))
            load[reviewer.pk] += 1
            sample = SampleCheck(
                customer_id=pk,
                department_id=department_id,
                period_start=start,
                period_end=end,
                maker_id=maker,
                checker_id=checker,
                reviewer=reviewer,
            )
            sample.full_clean(exclude=["customer", "department", "maker", "checker"])
            sample.save()
            done["drawn"] += 1
    return {"drawn": done["drawn"], "already": done["already"], "unassigned": done["unassigned"]}


@transaction.atomic
def sample_check_record(
    *, actor: User, sample: SampleCheck, correct: bool, wrong_fields: list[str] | None = None, note: str = ""
) -> SampleCheck:
    # Row lock: the race is the result recorded twice.
    locked = SampleCheck.objects.select_for_update().get(pk=sample.pk)
    if locked.reviewer_id != actor.pk:
        raise PermissionDenied(_("This sample is another reviewer's."))
    if locked.result != SampleResult.PENDING:
        raise ValidationError(_("The result of this sample is recorded already."), code="decided")
    wrong_fields = sorted(set(wrong_fields or []))
    if not correct and not wrong_fields:
        raise ValidationError({"wrong_fields": _("Name the fields that are wrong.")}, code="required")
    locked.result = SampleResult.CORRECT if correct else SampleResult.WRONG
    locked.wrong_fields = [] if correct else wrong_fields
    locked.note = (note or "").strip()
    locked.checked_at = timezone.now()
    locked.full_clean(exclude=["customer", "department", "maker", "checker", "reviewer"])
    locked.save()
    return locked
