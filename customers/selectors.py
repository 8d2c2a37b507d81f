"""Reads of customer records that depend on who asks."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Subquery
from django.views.decorators.debug import sensitive_variables

from accounts.models import Role, User
from customers import validators as v
from customers.models import (
    AccessGrant,
    ChangeRequest,
    Customer,
    CustomerUserObjectPermission,
    GrantStatus,
    Status,
)
from customers.review import CHANGE_REVIEW, CUSTOMER_REVIEW
from review.models import ReviewDecision
from review.selectors import waiting_count
from vault.crypto import blind_index

ARCHIVE_NO = re.compile(r"^KH\d{0,12}$")


# How many of a department-wide user's own rows outside their department scope are
# named by primary key; beyond it, the scope falls back to a subquery (correct, slower).
BEYOND_LIMIT = 500


def customers_visible_to(user: User) -> QuerySet[Customer]:
    """The customers `user` may open at all (SPEC §2 rows); everything else is a 404.

    Per-object rights (django-guardian rows, the maker's and the owner's) are the
    clerk's scope: the customers the clerk made or owns, read from the customer's
    own columns (`_held`). Department rights are
    a foreign-key filter, on its own, so that an index on the department serves
    the page (SPEC §9): the user's few per-object rows the department filter does
    not already cover are added by primary key. Global and superuser shortcuts are
    off: a superuser sees what their roles allow."""
    if not user.is_authenticated:
        return Customer.objects.none()
    department = _department_scope(user)
    if department is None:
        return _held(user)
    return Customer.objects.filter(department | _beyond(user, "pk"))


def _held(user: User) -> QuerySet[Customer]:
    """The customers `user` holds a per-object right on, by the customer's own
    maker and owner columns (served by `customer_maker_work_idx` and
    `customer_owner_idx`), not by a join through the permission table.

    A right is only ever given to a customer's maker and owner (the services, the
    import, `seed_scale`) and moves with the owner; the only other way one ends is
    `accounts.services.user_rights_end`, which also raises the user's
    `rights_epoch`. So for a user whose rights never ended the columns are exactly
    the permission rows; once they have, the permission rows decide as well."""
    held = Customer.objects.filter(Q(entered_by=user) | Q(owner=user))
    if user.rights_epoch == 0:
        return held
    return held.filter(pk__in=_own_rows(user))


def _own_rows(user: User) -> QuerySet:
    """The pks of the customers `user` holds a per-object view right on (guardian's
    direct table, as `get_objects_for_user` reads it, without its OR-ed joins). The
    permission is one value (a subquery the database runs once), so the planner
    estimates the rows by the user's index entries, not by a three-table join."""
    view = Permission.objects.filter(codename="view_customer", content_type__app_label="customers").values("pk")[:1]
    return CustomerUserObjectPermission.objects.filter(user=user, permission_id=Subquery(view)).values(
        "content_object_id"
    )


def _department_scope(user: User, prefix: str = "") -> Q | None:
    """The rows a department-wide role covers, as a filter on the customer's own
    columns (`prefix`: the path to the customer from another model); None for those
    who have no department-wide right."""
    if user.department_id is None:
        return None
    department = Q(**{f"{prefix}department_id": user.department_id})
    if user.has_role_permission("customers.view_department_customers"):
        return department
    if user.has_role_permission("customers.review_customer"):
        # A reviewer: the department's pending entries made by others, and its approved records.
        pending_of_others = Q(**{f"{prefix}status": Status.PENDING}) & ~Q(**{f"{prefix}entered_by": user})
        return department & (Q(**{f"{prefix}status": Status.APPROVED}) | pending_of_others)
    return None


def _beyond(user: User, field: str) -> Q:
    """`field` in the user's per-object rows their department scope does not cover: one
    small query driven by the user's own permission rows (usually empty — a
    manager's own rows are in their department), so the common scope stays a plain
    foreign-key filter."""
    own = _own_rows(user)
    outside = ~_department_scope(user, prefix="content_object__")
    beyond = list(own.filter(outside).order_by().values_list("content_object_id", flat=True)[: BEYOND_LIMIT + 1])
    if not beyond:
        return Q()
    if len(beyond) > BEYOND_LIMIT:
        return Q(**{f"{field}__in": own})
    return Q(**{f"{field}__in": beyond})


def visible_with_customer(user: User, rows: QuerySet, *, department: str = "department_id") -> QuerySet:
    """Rows that belong to a customer (transactions, interactions, …), visible to
    whoever may see the customer (SPEC §2). `department` names the row's
    department column (copied from the customer on entry and never changed, so a
    department-wide scope is a foreign-key filter rather than a join)."""
    if not user.is_authenticated:
        return rows.none()
    scope = _department_scope(user)
    if scope is None:
        # A per-object right is only held on customers of the holder's own
        # department (a move ends the others: `accounts.services.user_rights_end`),
        # so the row's department column narrows first, on its index.
        return rows.filter(**{department: user.department_id}, customer__in=_held(user).values("pk"))
    # Business is recorded only for approved customers, which the department's
    # managers, security officers and reviewers all see.
    return rows.filter(Q(**{department: user.department_id}) | _beyond(user, "customer"))


def customer_list(*, user: User, query: str = "", tag: str = "", exact_s3: bool = False) -> QuerySet[Customer]:
    """The customer list page: visible rows, newest first, searched by name prefix,
    archive number, mobile and — only with `exact_s3`, for a logged lookup that
    came in a POST body (customers.lookups) — exact ID / bank number through the
    blind index."""
    customers = customers_visible_to(user).select_related("department", "owner", "data_key")
    query, tag = v.normalize_text(query), v.normalize_text(tag)  # no NUL: PostgreSQL refuses it
    if query:
        customers = customers.filter(search_condition(query, exact_s3=exact_s3))
    if tag:
        customers = customers.filter(tags__name=tag)
    return customers.order_by("-created_at", "-id")


@sensitive_variables("query", "code", "bank")
def search_condition(query: str, *, exact_s3: bool = False) -> Q:
    """Each reading of the query that could match, OR-ed; every branch uses an index.

    The blind-index branches (exact ID or bank number) are taken only with
    `exact_s3=True`: a value that reaches a GET (the list's address, the admin's
    search, an export link) must never confirm that a guessed number exists."""
    condition = Q(name__startswith=query)
    code = v.normalize_code(query)
    if ARCHIVE_NO.match(code):
        condition |= Q(archive_no__startswith=code)
    number = _phone_number(query)
    if number is not None:
        condition |= Q(mobile=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if exact_s3:
        kinds = s3_kinds(query)
        if "id_number" in kinds:
            condition |= Q(id_number_index=blind_index("id_number", code))
        if "bank_account" in kinds:
            bank = v.normalize_bank_account(query)
            condition |= Q(bank_account_index=blind_index("bank_account", bank))
    return condition


@sensitive_variables("query", "code", "bank")
def s3_kinds(query: str) -> tuple[str, ...]:
    """The sensitive (S3) fields a search text can be an exact value of:
    `("id_number",)`, `("bank_account",)`, both (an 18-digit number), or none.

    An archive number (KH…) and a valid phone number are read as such, not as a
    passport that happens to look the same; a text without a digit (a name in
    Latin letters, which the passport pattern would accept) is never an ID."""
    code = v.normalize_code(query)
    if not code or ARCHIVE_NO.match(code) or not any(c.isdigit() for c in code):
        return ()
    kinds: list[str] = []
    if _phone_number(query) is None and _looks_like_id_number(code):
        kinds.append("id_number")
    bank = v.normalize_bank_account(query)
    if bank.isdigit() and 12 <= len(bank) <= 19:
        kinds.append("bank_account")
    return tuple(kinds)


SENSITIVE_SHAPE = re.compile(r"^[A-Z0-9]*\d[A-Z0-9]*$")


@sensitive_variables("query", "code")
def reads_as_s3(query: str) -> bool:
    """True when the text is, or looks like, an ID or bank number — including a
    mistyped one (a wrong check digit, a digit too many): such a text never goes
    into an address, a redirect or a log, only into the body of a POST.

    Its shape: letters and digits only (spaces and dashes aside), at least five
    digits, and neither an archive number nor a valid phone number."""
    if s3_kinds(query):
        return True
    code = v.normalize_code(query)
    if not SENSITIVE_SHAPE.match(code) or ARCHIVE_NO.match(code) or _phone_number(query) is not None:
        return False
    return sum(c.isdigit() for c in code) >= 5


@sensitive_variables("value")
def loggable_filter(value: str) -> object:
    """A search or filter text as an access-log entry may keep it: the text, or —
    when it reads as an ID or bank number — only which kinds were withheld."""
    if reads_as_s3(value):
        return {"withheld": list(s3_kinds(value)) or ["number"]}
    return v.normalize_text(value)  # no NUL or control characters in the log's JSON


def _phone_number(query: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(query, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _looks_like_id_number(code: str) -> bool:
    for validate in v.ID_NUMBER_VALIDATORS.values():
        try:
            validate(code)
        except ValidationError:
            continue
        return True
    return False


def customer_detail_rows(*, user: User) -> QuerySet[Customer]:
    """The visible customers with what a customer's page shows
    (`customers.rights.customer_for` picks one, or answers 404)."""
    return (
        customers_visible_to(user)
        .select_related("department", "owner", "entered_by", "reviewed_by", "second_reviewed_by", "data_key")
        .prefetch_related("tags")
    )


def customer_history(*, customer: Customer) -> QuerySet:
    return customer.history.select_related("history_user", "data_key").order_by("-history_date", "-history_id")


def my_work(*, user: User) -> dict[str, QuerySet[Customer]]:
    mine = Customer.objects.filter(entered_by=user).select_related("department", "data_key")
    return {
        "to_correct": mine.filter(status__in=[Status.DRAFT, Status.RETURNED]).order_by("-updated_at")[:50],
        "waiting": mine.filter(status=Status.PENDING).order_by("entered_at")[:50],
        "recent": mine.exclude(status__in=[Status.DRAFT, Status.RETURNED, Status.PENDING]).order_by("-updated_at")[:20],
        "changes": ChangeRequest.objects.filter(entered_by=user)
        .select_related("customer", "reviewed_by", "second_reviewed_by")
        .order_by("-entered_at")[:20],
    }


def latest_decisions(objects) -> dict[int, ReviewDecision]:
    """The newest review decision of each object (all of one model), by pk: what
    "my work" tells a maker about their entries. One query."""
    objects = list(objects)
    if not objects:
        return {}
    decisions = ReviewDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(objects[0]), object_id__in=[o.pk for o in objects]
    ).select_related("actor")
    latest: dict[int, ReviewDecision] = {}
    for decision in decisions:  # newest first (the model's ordering)
        latest.setdefault(decision.object_id, decision)
    return latest


def grants_of(*, user: User) -> QuerySet[AccessGrant]:
    """The user's own requests and grants, newest first."""
    return AccessGrant.objects.filter(grantee=user).select_related("customer", "decided_by").order_by("-requested_at")


def grants_to_decide(*, user: User) -> QuerySet[AccessGrant]:
    """Requests a manager may decide: their department's, not their own."""
    if user.department_id is None or not user.has_role_permission("customers.approve_grant"):
        return AccessGrant.objects.none()
    return (
        AccessGrant.objects.filter(status=GrantStatus.REQUESTED, customer__department_id=user.department_id)
        .exclude(grantee=user)
        .select_related("customer", "grantee")
        .order_by("requested_at")
    )


def live_grants_of_department(*, user: User) -> QuerySet[AccessGrant]:
    if user.department_id is None or not user.has_role_permission("customers.approve_grant"):
        return AccessGrant.objects.none()
    return (
        AccessGrant.objects.live()
        .filter(customer__department_id=user.department_id)
        .select_related("customer", "grantee", "decided_by")
        .order_by("expires_at")
    )


# Accounts that are no person (an upper app's system accounts, such as the API's):
# never given a record to own or handle. Apps register the condition in `ready()`.
NOT_A_PERSON: list[Q] = []


def not_a_person_register(condition: Q) -> None:
    NOT_A_PERSON.append(condition)


def department_members(*, department_id: int | None) -> QuerySet[User]:
    """Who may be given a record of the department (its owner, a complaint's or a
    contact's handler): its active clerks and managers, never a security officer
    (the same rule as `customers.rights.may_hold_records`) nor a system account."""
    members = User.objects.filter(
        department_id=department_id, is_active=True, groups__name__in=[Role.CLERK, Role.MANAGER]
    ).exclude(groups__name=Role.SECURITY_OFFICER)
    for condition in NOT_A_PERSON:
        members = members.exclude(condition)
    return members.distinct().order_by("username")


def changes_visible_to(user: User) -> QuerySet[ChangeRequest]:
    """Change requests a user may open: their own, and — for the department's
    reviewers and managers — the department's."""
    mine = Q(entered_by=user)
    if user.department_id is not None and (
        user.has_role_permission("customers.review_customer")
        or user.has_role_permission("customers.view_department_customers")
    ):
        mine |= Q(customer__department_id=user.department_id)
    return ChangeRequest.objects.filter(mine).select_related(
        "customer", "customer__data_key", "data_key", "entered_by", "reviewed_by", "second_reviewed_by"
    )


def change_queue(*, user: User) -> QuerySet[ChangeRequest]:
    """Change requests waiting for this user's decision, oldest first (the same
    rules as entries: first approvals for reviewers, second ones for managers)."""
    return CHANGE_REVIEW.queue(user=user)


def review_waiting_count(*, user: User, cap: int | None = None) -> int:
    """Rows of every reviewed model waiting for the user's decision (review.selectors)."""
    return waiting_count(user=user, cap=cap)


def review_queue(*, user: User, kind: str = "", tier: str = "", maker: str = "") -> QuerySet[Customer]:
    """Entries waiting for this user's decision, oldest first: first approvals for
    the department's reviewers, second approvals of key customers for its managers;
    never the user's own entries."""
    queue = CUSTOMER_REVIEW.queue(user=user)
    if kind:
        queue = queue.filter(kind=kind)
    if tier:
        queue = queue.filter(tier=tier)
    if maker:
        queue = queue.filter(entered_by__username=maker)
    return queue.order_by("entered_at", "id")
