"""The customer's own requests (PIPL arts. 44-47; issue 17 item 5): recorded with
the day received and a deadline, answered by who works on the record. A copy is a
readable file in Chinese, produced only after the identity check is noted, and
logged; a correction is answered by a change request, a deletion by a destruction
request, a withdrawal of consent ends the retention today (a legal hold still keeps
the record from destruction)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessLog
from audit.services import access_log_record
from customers.models import Customer
from lifecycle import rights
from lifecycle.models import (
    DestructionRequest,
    DestructionStatus,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
)
from lifecycle.services.recording import customer_date_record
from vault.masking import mask_bank_account, mask_id_number


def subject_request_due(received_on: date) -> date:
    """Calendar days: a weekend counts like any other day."""
    return received_on + timedelta(days=settings.CRM_SUBJECT_REQUEST_DAYS)


def _require(actor: User, customer: Customer) -> None:
    if not rights.may_handle_subject_request(actor, customer):
        raise PermissionDenied(_("Only who works on this record handles the customer's requests."))


@transaction.atomic
def subject_request_record(*, actor: User, customer: Customer, kind: str, received_on: date) -> SubjectRequest:
    _require(actor, customer)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A request cannot be received in the future.")}, code="future")
    request = SubjectRequest(
        customer=customer,
        department_id=customer.department_id,
        kind=kind,
        received_on=received_on,
        due_on=subject_request_due(received_on),
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    return request


def _locked_open(request: SubjectRequest, actor: User) -> SubjectRequest:
    # Row lock: the race is two staff answering the same request.
    locked = SubjectRequest.objects.select_for_update().select_related("customer").get(pk=request.pk)
    _require(actor, locked.customer)
    if locked.status != SubjectRequestStatus.OPEN:
        raise ValidationError(_("This request was answered already."), code="answered")
    return locked


@transaction.atomic
def subject_request_identity_checked(*, actor: User, request: SubjectRequest, method: str) -> SubjectRequest:
    locked = _locked_open(request, actor)
    if not (method or "").strip():
        raise ValidationError({"method": _("Say how the identity was checked.")}, code="required")
    locked.identity_checked_by, locked.identity_checked_at = actor, timezone.now()
    locked.identity_method = method.strip()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def subject_copy(*, actor: User, request: SubjectRequest, http_request=None) -> str:
    """The customer's data as a readable text in Chinese; logged, never stored."""
    locked = SubjectRequest.objects.select_related("customer").get(pk=request.pk)
    _require(actor, locked.customer)
    if locked.kind != SubjectRequestKind.COPY or locked.identity_checked_at is None:
        raise ValidationError(_("Note the identity check first: a copy goes only to the customer."), code="identity")
    access_log_record(
        action=AccessLog.Action.EXPORT,
        actor=actor,
        request=http_request,
        customer=locked.customer,
        purpose=_("Copy for the customer (PIPL art. 45)"),
        detail={"what": "subject_copy", "request": locked.number},
    )
    with translation.override("zh-hans"):
        return _copy_text(locked.customer)


def _copy_text(customer: Customer) -> str:
    lines = [_("Your personal information held by us"), f"{_('archive number')}: {customer.archive_no}", ""]
    secret = {"id_number": mask_id_number, "bank_account": mask_bank_account}
    for field in Customer._meta.concrete_fields:
        if not field.editable or field.name.endswith("_index") or field.is_relation:
            continue
        value = getattr(customer, field.name)
        if value in (None, ""):
            continue
        shown = secret[field.name](value) if field.name in secret else _display(customer, field)
        lines.append(f"{field.verbose_name}: {shown}")
    sections = (
        (_("Transactions"), customer.transactions.order_by("occurred_at"), _txn),
        (_("Contacts"), customer.interactions.order_by("occurred_at"), _contact),
        (_("Complaints"), customer.complaints.order_by("received_at"), _complaint),
    )
    for title, rows, line in sections:
        lines += ["", str(title)]
        lines += [line(row) for row in rows] or [str(_("None"))]
    return "\n".join(str(line) for line in lines) + "\n"


def _display(customer: Customer, field) -> str:
    getter = getattr(customer, f"get_{field.name}_display", None)
    return str(getter() if getter else getattr(customer, field.name))


def _txn(t) -> str:
    return f"{timezone.localtime(t.occurred_at):%Y-%m-%d} {t.get_kind_display()} {t.amount} {t.currency}"


def _contact(i) -> str:
    return f"{timezone.localtime(i.occurred_at):%Y-%m-%d} {i.get_channel_display()} {i.summary}"


def _complaint(c) -> str:
    return f"{timezone.localtime(c.received_at):%Y-%m-%d} {c.get_category_display()} {c.get_status_display()}"


@transaction.atomic
def subject_request_answer(*, actor: User, request: SubjectRequest, answer: str = "") -> SubjectRequest:
    locked = _locked_open(request, actor)
    customer = locked.customer
    if (
        locked.kind == SubjectRequestKind.DELETION
        and not DestructionRequest.objects.filter(
            customer=customer, status__in=(DestructionStatus.REQUESTED, DestructionStatus.DONE)
        ).exists()
    ):
        raise ValidationError(_("Ask for the customer's destruction first: that is the answer to a deletion."))
    if (
        locked.kind == SubjectRequestKind.CORRECTION
        and not customer.change_requests.filter(entered_at__date__gte=locked.received_on).exists()
    ):
        raise ValidationError(_("Enter the correction as a change request first: that is the answer."))
    if locked.kind == SubjectRequestKind.COPY and locked.identity_checked_at is None:
        raise ValidationError(_("Note the identity check first: a copy goes only to the customer."))
    if locked.kind == SubjectRequestKind.WITHDRAWAL:
        _end_retention(customer, actor=actor, request=locked)
    locked.status = SubjectRequestStatus.DONE
    locked.answered_at = timezone.now()
    locked.answer = (answer or "").strip()
    locked.full_clean()
    locked.save()
    return locked


def _end_retention(customer: Customer, *, actor: User, request: SubjectRequest) -> None:
    """Consent withdrawn: nothing justifies keeping the record past today, so it
    joins the destruction queue tomorrow (a legal hold still keeps it)."""
    # Row lock: the race is a change of the record crossing the withdrawal.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    today = timezone.localdate()
    if customer.retention_until is None or customer.retention_until > today:
        note = f"{request.number}: {request.get_kind_display()}"
        customer_date_record(customer, actor=actor, field="retention_until", value=today, note=note)
