"""The customer record (SPEC §3 Customer).

Every rule of the data dictionary lives here — field validators, `clean()` and
database constraints — so `Customer.full_clean()` gives the same verdict to the
form, the admin, the importer and the commands. Values are normalised first
(`normalize()`: NFKC, trimming, case), then validated.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractDay, ExtractMonth, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from customers import validators as v
from customers.matching import fill_match_keys
from customers.models.choices import (
    CreditStatus,
    CustomerNature,
    Education,
    EnterpriseNature,
    Gender,
    IdType,
    Industry,
    Kind,
    LifecycleStage,
    MaritalStatus,
    SourceChannel,
    Status,
    Tier,
)
from review.models import ReviewedTwice, review_constraints, status_field
from vault.fields import BlindIndexField, DataKeyField, EncryptedTextField
from vault.masking import ALWAYS_MASKED


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArchiveSequence(models.Model):
    """The last archive number handed out per year; a row lock serialises it."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def _normalize_multiline(value: str) -> str:
    """NFKC each line and trim the whole; line breaks a clerk typed are kept."""
    return "\n".join(v.normalize_text(line) for line in (value or "").strip().splitlines())


INDIVIDUAL_ONLY = ("gender", "birth_date", "education", "school", "marital_status", "spouse_name", "children_count")
ORGANIZATION_ONLY = (
    "enterprise_nature",
    "industry",
    "contact_person",
    "legal_representative",
    "founded_on",
    "registered_capital",
    "relationship_since",
)
TEXT_FIELDS = (
    "name",
    "province",
    "city",
    "district",
    "address",
    "occupation",
    "employer",
    "school",
    "spouse_name",
    "contact_person",
    "legal_representative",
    "archive_location",
    "consent_purpose",
    "guardian_name",
    "credit_note",
)
GUARDIAN_CONSENT_BELOW_AGE = 14
MATCH_KEYS = ("match_name", "match_pinyin", "match_address")


class Customer(ReviewedTwice):
    # Sensitivity of each field (SPEC §2); everything else is S1.
    S3_FIELDS = ALWAYS_MASKED
    S2_FIELDS = (
        "mobile",
        "phone",
        "email",
        "birth_date",
        "province",
        "city",
        "district",
        "address",
        "postal_code",
        "marital_status",
        "spouse_name",
        "children_count",
    )

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = DataKeyField()
    archive_no = models.CharField(_("archive number"), max_length=20, unique=True, editable=False)

    # Basic
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_type = models.CharField(_("ID type"), max_length=30, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField(_("ID number"), plain_max_length=18)
    id_number_index = BlindIndexField(source="id_number")
    customer_nature = models.CharField(_("customer nature"), max_length=20, choices=CustomerNature.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.GENERAL)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.PROSPECT
    )
    source_channel = models.CharField(_("source channel"), max_length=20, choices=SourceChannel.choices, blank=True)

    # Contact (S2)
    mobile = PhoneNumberField(_("mobile"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True, validators=[v.validate_postal_code])

    # Details
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    bank_account = EncryptedTextField(_("bank account"), plain_max_length=19, validators=[v.validate_bank_account])
    bank_account_index = BlindIndexField(source="bank_account")
    interests = models.TextField(_("interests and preferences"), blank=True)
    credit_status = models.CharField(
        _("credit status"), max_length=20, choices=CreditStatus.choices, default=CreditStatus.UNKNOWN
    )
    credit_note = models.CharField(_("credit note"), max_length=200, blank=True)
    pain_points = models.TextField(_("pain points"), blank=True)
    product_needs = models.TextField(_("product needs"), blank=True)
    competitors = models.TextField(_("competitors"), blank=True)
    archive_location = models.CharField(
        _("location of the paper originals"),
        max_length=100,
        blank=True,
        help_text=_("Cabinet, shelf and box where the original documents are kept."),
    )

    # Education and family
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    school = models.CharField(_("graduating school"), max_length=100, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True)
    spouse_name = models.CharField(_("spouse's name"), max_length=100, blank=True)
    children_count = models.PositiveSmallIntegerField(_("number of children"), null=True, blank=True)

    # Organization
    enterprise_nature = models.CharField(
        _("nature of enterprise"), max_length=30, choices=EnterpriseNature.choices, blank=True
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    relationship_since = models.DateField(_("customer since"), null=True, blank=True)

    # Consent (PIPL)
    consent_purpose = models.CharField(_("purpose told to the customer"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    retention_until = models.DateField(_("keep until"), null=True, blank=True)
    guardian_name = models.CharField(_("guardian's name"), max_length=100, blank=True)
    guardian_consent_at = models.DateTimeField(_("guardian's consent given at"), null=True, blank=True)

    # Ownership and workflow
    # Owner, department and maker are looked up through the composite indexes
    # that start with them (Meta.indexes): no single-column index of their own.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_customers",
        db_index=False,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    # The review columns (status, version, maker, checkers and their times) come
    # from review.models.ReviewedTwice; the customer's differ only here.
    status = status_field(Status)
    contact_verified_at = models.DateTimeField(_("contact details verified at"), null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="entered_customers",
        editable=False,
        db_index=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Duplicate matching (issue 19, customers.matching): keys derived from the values.
    match_name = models.CharField(_("folded name"), max_length=100, blank=True, editable=False)
    match_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, editable=False)
    match_address = models.CharField(_("address key"), max_length=32, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # The trail is read by customer (id), by archive number, by who acted and by
    # time; the history table keeps no other index, so each version written costs
    # fewer index updates (100 M history rows is the target scale).
    history = HistoricalRecords(
        excluded_fields=["updated_at", *MATCH_KEYS],
        cascade_delete_history=False,
        no_db_index=["uid", "data_key", "department", "owner", "entered_by", "reviewed_by", "second_reviewed_by"],
    )

    class Meta(ReviewedTwice.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        # Model-level rights held by roles (groups). Which rows a right covers is
        # decided in customers.selectors: the department, or per-object rows.
        permissions = [
            ("view_department_customers", _("See every customer of the department")),
            ("view_personal_values", _("See the department's personal (S2) values in full")),
            ("review_customer", _("Decide the department's pending entries")),
            ("reveal_customer", _("Reveal ID and bank numbers of the department's customers, logged")),
            ("reassign_owner", _("Hand the department's customers to another owner")),
            ("second_approve_customer", _("Give the second approval to the department's key customers")),
            ("tag_customer", _("Add and remove tags of the department's customers")),
            ("handle_duplicates", _("Dismiss and merge the department's possible duplicates")),
        ]
        indexes = [
            models.Index(fields=["id_number_index"], name="customer_id_number_bidx"),
            models.Index(fields=["bank_account_index"], name="customer_bank_account_bidx"),
            models.Index(fields=["mobile"], name="customer_mobile_idx"),
            # Name prefixes (the list's search): on PostgreSQL a pattern-ops index, which
            # LIKE 'x%' can use under any collation; other databases ignore opclasses.
            models.Index(
                fields=["name", "birth_date"],
                name="customer_name_prefix_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            # The list of a department-wide role: its department, newest first, with what a
            # reviewer's scope filters on (an index-only walk of the keys).
            models.Index(
                fields=["department", "-created_at", "-id", "status", "entered_by"], name="customer_dept_newest_idx"
            ),
            # "My work": a maker's entries, most recently touched first, with their status
            # (each list filters by it in the index before reading a row).
            models.Index(fields=["entered_by", "-updated_at", "status"], name="customer_maker_work_idx"),
            models.Index(fields=["owner", "-created_at"], name="customer_owner_idx"),
            # The review queue: a department's pending entries, oldest first.
            # (a partial index of the pending rows, holding what the queue filters on).
            models.Index(
                fields=["department", "entered_at", "id", "entered_by", "reviewed_by", "second_reviewed_by", "tier"],
                condition=Q(status="pending"),
                name="customer_dept_queue_idx",
            ),
            models.Index(fields=["-created_at", "-id"], name="customer_newest_idx"),
            # The customer report: every figure from one index-only pass over a department.
            models.Index(
                fields=[
                    "department",
                    "status",
                    "tier",
                    "kind",
                    "customer_nature",
                    "source_channel",
                    "contact_verified_at",
                ],
                name="customer_report_idx",
            ),
            # Reports: approvals and submissions by department over a date range.
            models.Index(fields=["department", "reviewed_at"], name="customer_dept_reviewed_idx"),
            models.Index(fields=["department", "entered_at"], name="customer_dept_entered_idx"),
            # Duplicate matching (customers.matching): every rule's lookup is an index seek.
            models.Index(fields=["match_name", "birth_date"], name="customer_match_name_idx"),
            models.Index(fields=["match_pinyin", "match_address"], name="customer_match_pinyin_idx"),
            models.Index(fields=["phone", "match_pinyin"], name="customer_phone_idx"),
            models.Index(Lower("email"), name="customer_email_folded_idx"),
            # Issue 17's queues on "my work", oldest first: an index walk that stops after the panel's rows.
            models.Index(fields=["department", "status", "contact_verified_at", "id"], name="customer_reverify_idx"),
            models.Index(fields=["department", "retention_until", "id"], name="customer_retention_idx"),
            # Greetings (outreach): an owner's customers born or founded on one of the coming days.
            models.Index(
                F("owner"), ExtractMonth("birth_date"), ExtractDay("birth_date"), name="customer_birthday_idx"
            ),
            models.Index(
                F("owner"), ExtractMonth("founded_on"), ExtractDay("founded_on"), name="customer_founding_idx"
            ),
        ]
        constraints = [
            *review_constraints("customer", second=True),
            models.UniqueConstraint(
                fields=["id_type", "id_number_index"],
                condition=Q(status="approved") & ~Q(id_number_index=""),
                name="customer_one_approved_per_id",
                violation_error_message=_("An approved customer with this ID number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_no} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    # Derived figures: computed, never stored.
    @property
    def age(self) -> int | None:
        return age_on(self.birth_date, timezone.localdate()) if self.birth_date else None

    @property
    def needs_reverification(self) -> bool:
        if self.status != Status.APPROVED or self.contact_verified_at is None:
            return False
        return timezone.now() - self.contact_verified_at > timedelta(days=settings.CRM_REVERIFY_AFTER_DAYS)

    def normalize(self) -> None:
        """Fold what an input method or a spreadsheet typed into one spelling."""
        for name in TEXT_FIELDS:
            setattr(self, name, v.normalize_text(getattr(self, name)))
        for name in ("interests", "pain_points", "product_needs", "competitors"):
            setattr(self, name, _normalize_multiline(getattr(self, name)))
        for name, normalize in (("id_number", v.normalize_code), ("bank_account", v.normalize_bank_account)):
            current = getattr(self, name)
            if current and normalize(current) != current:
                # Reassign only on change: an unchanged value keeps its ciphertext.
                setattr(self, name, normalize(current))
        self.postal_code = v.normalize_code(self.postal_code)
        self.email = v.normalize_email(self.email)
        fill_match_keys(self)
        # Phone numbers are parsed by phonenumbers on assignment, which already
        # reads full-width digits, spaces, dashes and the +86 / 0086 prefixes.

    def clean_fields(self, exclude=None) -> None:
        self.normalize()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def add(field: str, message, code: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        self._clean_kind(add)
        self._clean_identity(add)
        self._clean_contact(add)
        today = timezone.localdate()
        self._clean_dates(add, today)
        if self.status in (Status.PENDING, Status.APPROVED):
            self._clean_consent(add, today)
        if errors:
            raise ValidationError(errors)
        for field in (self._meta.get_field("id_number_index"), self._meta.get_field("bank_account_index")):
            # Current before validate_constraints() checks the one-approved-per-ID rule.
            field.pre_save(self, add=self._state.adding)

    def _clean_kind(self, add) -> None:
        not_applicable = ORGANIZATION_ONLY if self.kind == Kind.INDIVIDUAL else INDIVIDUAL_ONLY
        for name in not_applicable:
            if getattr(self, name) not in (None, ""):
                add(name, _("This field applies only to the other kind of customer; leave it empty."), "kind")
        if self.kind == Kind.ORGANIZATION and not self.contact_person:
            add("contact_person", _("Name the organization's contact person."), "required")
        if self.kind == Kind.ORGANIZATION and self.id_type not in ("", IdType.USCC):
            add("id_type", _("An organization is identified by its unified social credit code."), "id_type")
        if self.kind == Kind.INDIVIDUAL and self.id_type == IdType.USCC:
            add("id_type", _("A unified social credit code identifies organizations; choose a personal ID."), "id_type")

    def _clean_identity(self, add) -> None:
        if self.id_number and not self.id_type:
            add("id_type", _("Choose the type of the ID number."), "required")
            return
        if self.id_type and not self.id_number:
            add("id_number", _("Enter the ID number, or leave the ID type empty."), "required")
            return
        if not self.id_number:
            return
        try:
            v.validate_id_number(self.id_type, self.id_number)
        except ValidationError as exc:
            for error in exc.error_list:
                add("id_number", error.message % (error.params or {}), error.code)
            return
        if self.id_type == IdType.RESIDENT_ID:
            encoded_birth = v.resident_id_birth_date(self.id_number)
            encoded_gender = v.resident_id_gender(self.id_number)
            if self.birth_date is None:
                self.birth_date = encoded_birth
            elif self.birth_date != encoded_birth:
                add(
                    "birth_date",
                    _("The ID number gives %(date)s as the date of birth; check both against the document.")
                    % {"date": encoded_birth.isoformat()},
                    "id_mismatch",
                )
            if self.gender in ("", Gender.UNKNOWN):
                self.gender = encoded_gender
            elif self.gender != encoded_gender:
                add(
                    "gender",
                    _("The ID number belongs to a person of the other gender; check both against the document."),
                    "id_mismatch",
                )

    def _clean_contact(self, add) -> None:
        # `x not in (None, "")`, not truthiness: a PhoneNumber's truth value formats it.
        has_mobile, has_phone = self.mobile not in (None, ""), self.phone not in (None, "")
        if not (has_mobile or has_phone or self.email):
            add("mobile", _("Give at least one way to reach the customer: mobile, phone or e-mail."), "required")
        if has_mobile and self.mobile.is_valid():
            number_type = phonenumbers.number_type(self.mobile)
            if number_type not in (
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            ):
                add("mobile", _("This is not a mobile number; put landlines under phone."), "not_mobile")

    def _clean_dates(self, add, today: date) -> None:
        if self.birth_date and self.birth_date > today:
            add("birth_date", _("The date of birth cannot be in the future."), "future")
        if self.founded_on and self.founded_on > today:
            add("founded_on", _("The founding date cannot be in the future."), "future")
        if self.relationship_since and self.relationship_since > today:
            add("relationship_since", _("This date cannot be in the future."), "future")
        for name in ("consent_at", "guardian_consent_at"):
            value = getattr(self, name)
            if value and value > timezone.now() + timedelta(minutes=5):
                add(name, _("Consent cannot be given in the future."), "future")
        if self.retention_until and self.consent_at and self.retention_until <= timezone.localdate(self.consent_at):
            add("retention_until", _("The retention date must come after the consent was given."), "order")

    def _clean_consent(self, add, today: date) -> None:
        for name in ("consent_purpose", "consent_at", "retention_until"):
            if not getattr(self, name):
                add(name, _("Required before review: the customer must be told the purpose and retention."), "consent")
        if self.birth_date and age_on(self.birth_date, today) < GUARDIAN_CONSENT_BELOW_AGE:
            for name in ("guardian_name", "guardian_consent_at"):
                if not getattr(self, name):
                    add(name, _("A customer under 14 needs a guardian's consent."), "guardian")


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
