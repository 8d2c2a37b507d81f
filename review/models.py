"""The review mechanism's data: the columns, statuses and constraints every
reviewed model carries, and the decisions taken on any of them.

Adding review to a new model (say an archive request) takes a few lines:

1. Inherit `Reviewed` (one approval) or `ReviewedTwice` (a second approval may be
   needed) and, if the model has a `Meta` of its own, let it inherit the base's:
   `class Meta(Reviewed.Meta): ...` (extend `constraints` with
   `[*Reviewed.Meta.constraints, ...]`). The columns and the check constraints
   that keep the checker apart from the maker come with it; run
   `makemigrations`. Statuses beyond the four of `ReviewStatus` are added with
   `review_statuses(...)` and the status column with `status_field(...)`.
2. Write a `review.policies.ReviewPolicy` subclass saying only what differs —
   the permission that decides (`review_permission`), where the deciding
   department is (`department_path`), whether a second approval is needed and
   what approving applies — and `register()` an instance from the app's
   `AppConfig.ready()` (or the policy module the services import).
3. The services call `review.mechanism.review_submit / review_approve /
   review_return` with that policy.
4. A `review.pages.ReviewPages` subclass, registered the same way, gives the
   model's section of the queue (`/review/`: the policy's `queue()` rendered by
   its `queue_template`) and, with a `url_prefix`, its decision URLs there.

`review` never imports the apps that plug into it: they import it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """The states every reviewed record goes through. A model that needs more
    (a customer is later archived or destroyed) builds its own list with
    `review_statuses`, never by writing these four again."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# The maker may still change (and submit) the record in these states.
EDITABLE_BY_MAKER = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


def review_statuses(
    name: str,
    *,
    omit: tuple[str, ...] = (),
    relabel: dict[str, str] | None = None,
    **more: tuple[str, str],
) -> type[models.TextChoices]:
    """`ReviewStatus` extended: its members (less `omit`, labels changed by
    `relabel`, both by member name) followed by `more` (NAME=(value, label))."""
    relabel = relabel or {}
    members = [(m.name, (m.value, relabel.get(m.name, m.label))) for m in ReviewStatus if m.name not in omit]
    members += list(more.items())
    return models.TextChoices(name, members)


def status_field(choices: type[models.TextChoices], *, default: str = ReviewStatus.DRAFT, **options) -> models.Field:
    """The status column of a reviewed model whose statuses are not exactly
    `ReviewStatus` (options such as `editable` pass through)."""
    options.setdefault("editable", False)
    return models.CharField(_("status"), max_length=20, choices=choices.choices, default=default, **options)


def review_constraints(prefix: str, *, second: bool = False) -> list[models.CheckConstraint]:
    """The database's backstop of the maker-checker rule: nobody reviews their own
    entry, and a second approval comes from a third person. `prefix` starts the
    constraint names (`%(app_label)s_%(class)s` for a new model; the models that
    had constraints before the base existed keep their names in the database)."""
    constraints = [
        models.CheckConstraint(
            condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("entered_by")),
            name=f"{prefix}_reviewer_is_not_maker",
            violation_error_message=_("The person who entered a record cannot review it."),
        )
    ]
    if second:
        constraints.append(
            models.CheckConstraint(
                condition=Q(second_reviewed_by__isnull=True)
                | (~Q(second_reviewed_by=F("entered_by")) & ~Q(second_reviewed_by=F("reviewed_by"))),
                name=f"{prefix}_second_reviewer_is_a_third_person",
                violation_error_message=_("The second approval must come from a third person."),
            )
        )
    return constraints


class Reviewed(models.Model):
    """A record entered by a maker and decided by a checker (SPEC §4): its status,
    the version the checker decides, who entered and who reviewed it, when."""

    status = status_field(ReviewStatus)
    # Raised by every change its maker makes: a checker decides the version they saw.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    entered_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        constraints = review_constraints("%(app_label)s_%(class)s")


class ReviewedTwice(Reviewed):
    """A reviewed record whose policy may ask for a second approval."""

    second_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second review by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    second_reviewed_at = models.DateTimeField(_("second review at"), null=True, blank=True, editable=False)

    class Meta(Reviewed.Meta):
        abstract = True
        constraints = review_constraints("%(app_label)s_%(class)s", second=True)


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    FIRST_APPROVED = "first_approved", _("First approval")
    RETURNED = "returned", _("Returned")


class ReviewDecision(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(_("version"))
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    field_reasons = models.JSONField(_("reasons per field"), default=dict, blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="review_decision_object_idx"),
            # The quality report: returns over a date range (a small partial index).
            models.Index(
                fields=["content_type", "at", "object_id"],
                condition=models.Q(decision="returned"),
                name="review_returns_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} v{self.version} {self.decision}"
