"""The record's life after approval (SPEC §3 `DestructionRecord`, §4 Archive and
destruction, §5 Destruction is crypto-shredding).

A destruction is asked for by a manager and approved by a security officer who is
never the one who asked (a check constraint too). A legal hold blocks it until
lifted. The approval shreds and erases in one transaction and leaves a
`DestructionRecord`: which record, when, how (row counts), who asked, who approved
and why. None of these rows holds a personal value of the customer: the reasons
are staff's words about the procedure, and are erased with the customer's values
anyway (a reason might quote one)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Numbered
from review.models import Reviewed, review_statuses, status_field


def staff(label, **optional) -> models.ForeignKey:
    """A member of staff named on the row: kept while named, no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=label, on_delete=models.PROTECT, related_name="+", **optional
    )


def done_by(by_label, at_label) -> tuple[models.ForeignKey, models.DateTimeField]:
    """Who did a later step and when (a decision, a lift, a check): both empty until then."""
    return staff(by_label, null=True, blank=True), models.DateTimeField(at_label, null=True, blank=True)


def of_customer(related_name: str, field=models.ForeignKey) -> models.ForeignKey:
    return field("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name=related_name)


def of_department() -> models.ForeignKey:
    return models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )


def status_of(choices, *, max_length: int) -> models.CharField:
    """The row's status, starting at the first of `choices`."""
    return models.CharField(_("status"), max_length=max_length, choices=choices.choices, default=next(iter(choices)))


def one_per_customer(name: str, message, **condition) -> models.UniqueConstraint:
    """At most one row of a customer in this state (an open request, an active hold)."""
    return models.UniqueConstraint(
        fields=["customer"], condition=Q(**condition), name=name, violation_error_message=message
    )


class LegalHold(Numbered):
    """Keeps a customer from destruction (an open complaint, a dispute) until lifted."""

    PREFIX = "FH"

    customer = of_customer("legal_holds")
    reason = models.CharField(_("reason for the hold"), max_length=200)
    placed_by = staff(_("placed by"))
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    lifted_by, lifted_at = done_by(_("lifted by"), _("lifted at"))

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]
        permissions = [("place_legal_hold", _("Place and lift legal holds on the department's customers"))]
        constraints = [
            one_per_customer(
                "legalhold_one_active_per_customer",
                _("This customer is already under a legal hold."),
                lifted_at__isnull=True,
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legalhold_lifted_by_someone",
            ),
        ]

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class DestructionBasis(models.TextChoices):
    RETENTION_PASSED = "retention_passed", _("Retention period passed")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    SUBJECT_REQUEST = "subject_request", _("The customer asked for deletion")


class DestructionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    DONE = "done", _("Destroyed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DestructionRequest(Numbered):
    PREFIX = "XH"

    customer = of_customer("destruction_requests")
    # The customer's department when asked: the scope of the queue and of who decides.
    department = of_department()
    basis = models.CharField(_("basis"), max_length=30, choices=DestructionBasis.choices)
    reason = models.CharField(_("reason"), max_length=200)
    status = status_of(DestructionStatus, max_length=20)
    requested_by = staff(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by, decided_at = done_by(_("decided by"), _("decided at"))
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")
        ordering = ["requested_at", "id"]
        permissions = [
            ("request_destruction", _("Ask for the destruction of the department's customers")),
            ("approve_destruction", _("Approve or refuse destructions of the department's customers")),
        ]
        indexes = [models.Index(fields=["department", "status", "requested_at"], name="destruction_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="destruction_decider_is_not_requester",
                violation_error_message=_("Whoever asked for a destruction cannot decide it."),
            ),
            one_per_customer(
                "destruction_one_open_per_customer",
                _("A destruction of this customer already waits for approval."),
                status="requested",
            ),
            one_per_customer("destruction_once_per_customer", _("This customer was destroyed already."), status="done"),
        ]


class DestructionRecord(models.Model):
    """What was destroyed, when, how, at whose request, approved by whom, and why.
    Kept forever; holds no personal value (the archive number is the company's)."""

    request = models.OneToOneField(
        DestructionRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="record"
    )
    customer = of_customer("destruction_record", field=models.OneToOneField)
    archive_no = models.CharField(_("archive number"), max_length=20)
    department = of_department()
    basis = models.CharField(_("basis"), max_length=30, choices=DestructionBasis.choices)
    destroyed_at = models.DateTimeField(_("destroyed at"))
    requested_by = staff(_("requested by"))
    approved_by = staff(_("approved by"))
    shredded_keys = models.PositiveIntegerField(_("data keys deleted"))
    # {"customers.Customer": {"rows": 1, "fields": [...]}, ...}: rows whose personal values were erased.
    erased = models.JSONField(_("values erased"), default=dict)

    class Meta:
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        ordering = ["-destroyed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(approved_by=F("requested_by")),
                name="destruction_record_two_persons",
                violation_error_message=_("Whoever asked for a destruction cannot approve it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_no} {self.destroyed_at:%Y-%m-%d}"

    @property
    def erased_rows(self) -> int:
        return sum(part["rows"] for part in self.erased.values())


class ArchiveAction(models.TextChoices):
    ARCHIVE = "archive", _("Archive")
    RESTORE = "restore", _("Restore")


ArchiveStatus = review_statuses(
    "ArchiveStatus", omit=("DRAFT",), relabel={"APPROVED": _("Applied")}, WITHDRAWN=("withdrawn", _("Withdrawn"))
)


class ArchiveRequest(Numbered, Reviewed):
    """Archiving a customer no longer served, or restoring one, reviewed like a
    change (review.Reviewed, lifecycle.review): a reviewer of the customer's
    department who did not ask decides."""

    PREFIX = "GD"

    customer = of_customer("archive_requests")
    action = models.CharField(_("action"), max_length=10, choices=ArchiveAction.choices)
    reason = models.CharField(_("reason"), max_length=200)
    status = status_field(ArchiveStatus, default=ArchiveStatus.PENDING)

    class Meta(Reviewed.Meta):
        verbose_name = _("archive request")
        verbose_name_plural = _("archive requests")
        ordering = ["entered_at", "id"]
        constraints = [
            *Reviewed.Meta.constraints,
            one_per_customer(
                "archive_one_pending_per_customer",
                _("An archive request of this customer already waits for review."),
                status="pending",
            ),
        ]


class ReverifyOutcome(models.TextChoices):
    UNCHANGED = "unchanged", _("Confirmed unchanged")
    CHANGED = "changed", _("Changed: a change request follows")


class ReverifyMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", pgettext_lazy("channel", "Visit")


class Reverification(models.Model):
    """One check of a customer's contact details with the customer: who, how, when,
    and what came of it. "Unchanged" resets the re-verification clock
    (`Customer.contact_verified_at`); "changed" is followed by a change request."""

    customer = of_customer("reverifications")
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReverifyOutcome.choices)
    method = models.CharField(_("how"), max_length=20, choices=ReverifyMethod.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = staff(_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-verification")
        verbose_name_plural = _("re-verifications")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["customer", "-checked_at"], name="reverify_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.checked_at:%Y-%m-%d} {self.outcome}"


class SampleResult(models.TextChoices):
    PENDING = "pending", _("Waiting for the second check")
    CORRECT = "correct", _("Correct")
    WRONG = "wrong", _("Wrong")


class SampleCheck(Numbered):
    """One approved record drawn for a second check against the originals, by a
    reviewer who was neither its maker nor its checker (a check constraint too)."""

    PREFIX = "CY"

    customer = of_customer("sample_checks")
    department = of_department()
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # The maker and the first checker of the version drawn: whose work is checked.
    maker = staff(_("entered by"))
    checker = staff(_("reviewed by"))
    reviewer = staff(_("second checker"))
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    result = models.CharField(_("result"), max_length=10, choices=SampleResult.choices, default=SampleResult.PENDING)
    wrong_fields = models.JSONField(_("wrong fields"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sample check")
        verbose_name_plural = _("sample checks")
        ordering = ["drawn_at", "id"]
        indexes = [models.Index(fields=["reviewer", "result"], name="sample_reviewer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reviewer=F("maker")) & ~Q(reviewer=F("checker")),
                name="sample_reviewer_is_a_third_person",
                violation_error_message=_("The second check comes from neither the maker nor the checker."),
            ),
            models.UniqueConstraint(fields=["customer", "period_start"], name="sample_once_per_period"),
        ]


class SubjectRequestKind(models.TextChoices):
    COPY = "copy", _("A copy of their data (PIPL art. 45)")
    CORRECTION = "correction", _("Correction (PIPL art. 46)")
    DELETION = "deletion", _("Deletion (PIPL art. 47)")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent (PIPL art. 15)")


class SubjectRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("subject request", "Open")
    DONE = "done", _("Answered")


class SubjectRequest(Numbered):
    """A customer's own request about their data, with its deadline: received on a
    day, answered within CRM_SUBJECT_REQUEST_DAYS calendar days (weekends count)."""

    PREFIX = "SQ"

    customer = of_customer("subject_requests")
    department = of_department()
    kind = models.CharField(_("request"), max_length=20, choices=SubjectRequestKind.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer by"))
    status = status_of(SubjectRequestStatus, max_length=10)
    recorded_by = staff(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    identity_checked_by, identity_checked_at = done_by(_("identity checked by"), _("identity checked at"))
    identity_method = models.CharField(_("identity checked how"), max_length=100, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer's request")
        verbose_name_plural = _("customers' requests")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["department", "status", "due_on"], name="subject_request_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("received_on")), name="subject_request_due_after_receipt")
        ]

    def is_overdue(self, today=None) -> bool:
        return self.status == SubjectRequestStatus.OPEN and self.due_on < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()
