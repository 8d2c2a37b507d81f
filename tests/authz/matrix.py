"""The authorization matrix: what every route answers every persona, for an
object in the persona's scope, one outside it and one that does not exist, on
GET and on POST.

Written from SPEC §2 (who sees which rows), SPEC §1 (a superuser is no role),
README "Rules nobody bypasses" and issue 14 item 1 (the admin changes no
business row; out of scope is a 404; a superuser without a role sees no business
row) — not from what the code happens to answer.

How to read a rule
------------------
`Case(route, target, get=..., post=...)`: `get`/`post` give the answer for an
object **in the persona's scope** (the persona's own department; for the other
department's manager, their department). An object **out of scope** (the other
department) and a **missing** id answer 404 to every persona past the login
gate unless `out=`/`missing=` say otherwise.

Answers:
- an int: exactly that status.
- `LOGIN`: 302 to the login page; `ADMIN_LOGIN`: 302 to the admin's login page.
- `DONE`: the action is allowed and done: a 302 (post/redirect/get); rows may change.
- `REFUSED`: an action in scope the persona may not take: refused with a message
  and a redirect back (302) or a 403 — and no business row changed.
- `FORM_REFUSED`: a form the persona may not use: the form again with the
  refusal (200), a redirect back (302) or a 403 — and no business row changed.
- a frozenset of the above: any of them (used only where the SPEC leaves the
  status open; the comment says why).

Every answer except `DONE` also means: no business row changed. Every answer, to
every persona, also means: no archive number (`KH…`) of a customer outside the
persona's scope in the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from customers.models import Customer
from tests.authz.world import MISSING, Side, World

# Personas ----------------------------------------------------------------------

CLERK = "clerk"
OTHER_CLERK = "other_clerk"
REVIEWER = "reviewer"
MANAGER = "manager"
SECURITY = "security_officer"
OTHER_MANAGER = "other_department_manager"
SUPERUSER = "superuser"
ANONYMOUS = "anonymous"

PERSONAS = (CLERK, OTHER_CLERK, REVIEWER, MANAGER, SECURITY, OTHER_MANAGER, SUPERUSER, ANONYMOUS)
LOGGED_IN = PERSONAS[:-1]
STAFF = (MANAGER, SECURITY, OTHER_MANAGER, SUPERUSER)  # is_staff: may open the admin at all
NOT_STAFF = (CLERK, OTHER_CLERK, REVIEWER, ANONYMOUS)

# Answers -----------------------------------------------------------------------

LOGIN = "302 to login"
ADMIN_LOGIN = "302 to admin login"
DONE = "302 done"
REFUSED = "refused (302 back or 403)"
FORM_REFUSED = "refused (200 form, 302 back or 403)"

# The gates: what a persona who may not even start gets.
APP = "app"  # @login_required: anonymous → LOGIN
ADMIN = "admin"  # admin_view: anonymous and non-staff → ADMIN_LOGIN
OPEN = "open"  # no gate

IN, OUT, GONE, NONE = "in scope", "out of scope", "missing", "no object"


def everyone(answer, **personas) -> dict[str, Any]:
    """`answer` for every logged-in persona, except those named."""
    return {p: personas.get(p, answer) for p in LOGGED_IN}


def only(allowed, answer, otherwise, **personas) -> dict[str, Any]:
    """`answer` for the personas in `allowed`, `otherwise` for the rest."""
    return {p: personas.get(p, answer if p in allowed else otherwise) for p in LOGGED_IN}


@dataclass
class Case:
    route: str  # the resolver's name, or its pattern for an unnamed route
    get: dict[str, Any] | Any
    post: dict[str, Any] | Any
    target: Callable[[Side], dict] | None = None  # kwargs (and "?" query) for an object in that side
    gate: str = APP
    data: Callable[[World, Side], dict] | None = None
    out: Any = 404
    missing: Any = 404
    label: str = ""  # tells two cases of one route apart
    path: str | None = None  # for unnamed routes: the URL with {pk}
    business: bool = False  # an admin view of a business model: no POST may change a row
    scopes: tuple[str, ...] | None = None
    relogin: bool = False  # the request ends the session (logout)
    echo_form: bool = False  # POST back the admin form the GET showed, one value tampered with

    @property
    def key(self) -> str:
        return f"{self.route}[{self.label}]" if self.label else self.route

    def scope_list(self) -> tuple[str, ...]:
        if self.scopes is not None:
            return self.scopes
        return (IN, OUT, GONE) if self.target else (NONE,)

    def expect(self, persona: str, scope: str, method: str):
        if persona == ANONYMOUS and self.gate == APP:
            return LOGIN
        if self.gate == ADMIN and persona in NOT_STAFF:
            return ADMIN_LOGIN
        table = self.get if method == "get" else self.post
        if scope in (IN, NONE):
            return table[persona] if isinstance(table, dict) else table
        fallback = self.out if scope == OUT else self.missing
        if table == 405 or (isinstance(table, dict) and set(table.values()) == {405}):
            return 405  # the method is refused before the object is looked up
        return fallback[persona] if isinstance(fallback, dict) else fallback


def post_only(route, post, **kwargs) -> Case:
    return Case(route, get=405, post=post, **kwargs)


# Targets and POST bodies -------------------------------------------------------


def customer(side: Side) -> dict:
    return {"pk": side.customer.pk}


def customer_query(side: Side) -> dict:
    return {"?": {"customer": side.customer.pk}}


def _now_local(delta_hours: int = -2) -> str:
    return (timezone.localtime() + timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M")


def customer_form(world: World, side: Side) -> dict:
    return {
        "kind": "individual",
        "name": "李四",
        "tier": "general",
        "lifecycle_stage": "prospect",
        "credit_status": "unknown",
        "mobile": "139 1234 5678",
        "consent_purpose": "开户",
        "consent_at": "2026-01-02T10:00",
        "retention_until": "2031-01-02",
    }


def draft_form(world: World, side: Side) -> dict:
    return {
        **customer_form(world, side),
        "name": "张改",
        "id_type": side.draft.id_type,
        "birth_date": side.draft.birth_date.isoformat() if side.draft.birth_date else "",
        "gender": side.draft.gender,
    }


def transaction_form(world: World, side: Side) -> dict:
    return {
        "kind": "purchase",
        "occurred_at": _now_local(),
        "amount": "1280.50",
        "currency": "CNY",
        "payment_method": "wechat_pay",
    }


def version_of(attr: str) -> Callable[[World, Side], dict]:
    return lambda world, side: {"version": getattr(side, attr).version, "note": "证件照片不清晰"}


def contract_form(world: World, side: Side) -> dict:
    today = timezone.localdate()
    return {
        "contract_no": "HT-NEW-1",
        "title": "补充协议",
        "signed_on": today.isoformat(),
        "amount": "800.00",
        "currency": "CNY",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }


def interaction_form(world: World, side: Side) -> dict:
    return {
        "occurred_at": _now_local(),
        "channel": "phone",
        "direction": "inbound",
        "kind": "consultation",
        "summary": "咨询",
        "content": "客户咨询理财产品",
    }


def complaint_form(world: World, side: Side) -> dict:
    return {
        "received_at": _now_local(),
        "channel": "phone",
        "category": "service",
        "severity": "normal",
        "content": "等待时间过长",
    }


def feedback_form(world: World, side: Side) -> dict:
    return {"surveyed_at": _now_local(), "service_quality": 5, "price": 4, "overall": 5, "comment": "好"}


def id_number_of(side: Side) -> str:
    return Customer.objects.get(pk=side.customer.pk).id_number


def another_member(world: World, side: Side):
    return world.other_clerk if side is world.home else world.away_other_clerk


# The application's routes -----------------------------------------------------

# Who may see a customer of their department (SPEC §2): the maker/owner, the
# department's reviewer (approved and pending-by-others), manager and security
# officer (masked). Not another clerk, not a superuser without a role.
SEES_APPROVED = (CLERK, REVIEWER, MANAGER, SECURITY, OTHER_MANAGER)
SEES_DRAFT = (CLERK, MANAGER, SECURITY, OTHER_MANAGER)
DEPARTMENT_NOT_MAKER = (MANAGER, SECURITY, OTHER_MANAGER)
# Neither the maker nor the department's reviewer: those who see but may not act.
MAY_NOT_CREATE = frozenset({200, 302, 403})  # a create form's page for a role that cannot create: SPEC is silent
EITHER_EMPTY_OR_REFUSED = frozenset({200, 403})  # a list page a role has no use for: empty, or refused
NOT_YOURS = frozenset({302, 403})  # a maker's page opened by someone else who sees the record
AUDIT_REFUSED = frozenset({403, 404})  # the audit pages for anyone but the security officer

APP_CASES = [
    # Someone already logged in is sent on; anyone else gets the form.
    Case("login", gate=OPEN, get={**everyone(302), ANONYMOUS: 200}, post={**everyone(302), ANONYMOUS: 200}),
    Case("logout", gate=OPEN, get=405, post=302, relogin=True),
    Case("set_language", gate=OPEN, get=302, post=302),
    Case("home", get=everyone(200), post=everyone(200)),
    # The manual holds no record: open to everyone, logged in or not; read-only.
    Case("help:index", gate=OPEN, get={**everyone(200), ANONYMOUS: 200}, post=405),
    Case("help:role", gate=OPEN, target=lambda s: {"role": "clerk"}, scopes=(NONE,), get=200, post=405),
    Case(
        "help:role",
        label="no such role",
        gate=OPEN,
        target=lambda s: {"role": "nobody"},
        scopes=(NONE,),
        get=404,
        post=405,
    ),
    # Customers
    # The search box posts; a name goes on to the list's address (302), an exact ID
    # number is looked up on the spot (200) — within the persona's scope only.
    Case("customers:list", get=everyone(200), post=everyone(302), data=lambda w, s: {"q": "张"}),
    Case(
        "customers:list",
        label="ID lookup in scope",
        get=everyone(200),
        post=everyone(200),
        data=lambda w, s: {"q": id_number_of(s)},
    ),
    Case(
        "customers:list",
        label="ID lookup out of scope",
        get=everyone(200),
        post=everyone(200),
        data=lambda w, s: {"q": id_number_of(w.away if s is w.home else w.home)},
    ),
    Case(
        "customers:create",
        get=only((CLERK, OTHER_CLERK), 200, MAY_NOT_CREATE),
        post=only((CLERK, OTHER_CLERK), DONE, FORM_REFUSED),
        data=customer_form,
    ),
    Case(
        "customers:detail",
        target=customer,
        get=only(SEES_APPROVED, 200, 404),
        post=only(SEES_APPROVED, 200, 404),
    ),
    Case(
        "customers:update",
        target=lambda s: {"pk": s.draft.pk},
        get=only((CLERK,), 200, 404, manager=NOT_YOURS, security_officer=NOT_YOURS, other_department_manager=NOT_YOURS),
        post=only((CLERK,), DONE, 404, manager=REFUSED, security_officer=REFUSED, other_department_manager=REFUSED),
        data=draft_form,
    ),
    Case(
        "customers:update",
        label="returned",
        target=lambda s: {"pk": s.returned.pk},
        get=only((CLERK,), 200, 404, **dict.fromkeys(DEPARTMENT_NOT_MAKER, NOT_YOURS)),
        post=only((CLERK,), DONE, 404, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
        data=lambda w, s: {
            **draft_form(w, s),
            "id_type": s.returned.id_type,
            "gender": s.returned.gender,
            "birth_date": s.returned.birth_date.isoformat() if s.returned.birth_date else "",
        },
    ),
    Case(
        "customers:confirm",
        target=lambda s: {"pk": s.draft.pk},
        get=only((CLERK,), 200, 404, manager=NOT_YOURS, security_officer=NOT_YOURS, other_department_manager=NOT_YOURS),
        post=only(
            (CLERK,), 200, 404, manager=NOT_YOURS, security_officer=NOT_YOURS, other_department_manager=NOT_YOURS
        ),
    ),
    post_only(
        "customers:submit",
        target=lambda s: {"pk": s.draft.pk},
        post=only((CLERK,), DONE, 404, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
    ),
    # A reveal needs a live grant or the manager's stated purpose (SPEC §2); the
    # security officer sees no sensitive value in any capacity.
    post_only(
        "customers:reveal",
        target=lambda s: {"pk": s.customer.pk, "field": "id_number"},
        post=only((MANAGER, OTHER_MANAGER), 200, 404, clerk=REFUSED, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"purpose": "核对身份"},
    ),
    # Managers tag and reassign owners (README, SPEC §1).
    post_only(
        "customers:tags",
        target=customer,
        post=only((MANAGER, OTHER_MANAGER), DONE, 404, clerk=REFUSED, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"tag": "重要客户", "action": "add"},
    ),
    post_only(
        "customers:reassign_owner",
        target=customer,
        post=only((MANAGER, OTHER_MANAGER), DONE, 404, clerk=REFUSED, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"owner": another_member(w, s).pk},
    ),
    # A clerk (or reviewer) asks for a grant; a manager, who may reveal anyway,
    # and the security officer do not.
    Case(
        "customers:grant_request",
        target=customer,
        get=only((CLERK, REVIEWER), 200, 404, **dict.fromkeys(DEPARTMENT_NOT_MAKER, MAY_NOT_CREATE)),
        post=only((CLERK, REVIEWER), DONE, 404, **dict.fromkeys(DEPARTMENT_NOT_MAKER, FORM_REFUSED)),
        data=lambda w, s: {"purpose": "核对开户资料", "hours": 24},
    ),
    Case(
        "customers:change",
        target=lambda s: {"pk": s.change.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=only(SEES_APPROVED, 200, 404),
    ),
    post_only(
        "customers:change_withdraw",
        target=lambda s: {"pk": s.change.pk},
        post=only((CLERK,), DONE, 404, reviewer=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
    ),
    # Possible duplicates (issue 19): a department's manager sees the pairs touching
    # it and dismisses them; to anyone else the page is refused and a pair not there.
    Case(
        "customers:duplicates",
        get=only((MANAGER, OTHER_MANAGER), 200, 403),
        post=405,
    ),
    post_only(
        "customers:duplicate_dismiss",
        target=lambda s: {"pk": s.duplicate_pair.pk},
        post=only((MANAGER, OTHER_MANAGER), DONE, 404),
        data=lambda w, s: {"reason": "父子二人，证件不同"},
    ),
    # Merges (issue 19): a manager proposes one for a pair of the department; the
    # department's reviewers (and managers) see it; a reviewer who did not propose
    # it decides it, the proposer may not.
    Case(
        "customers:merge_propose",
        target=lambda s: {"pk": s.duplicate_pair.pk},
        get=only((MANAGER, OTHER_MANAGER), 200, 404),
        post=only((MANAGER, OTHER_MANAGER), DONE, 404),
        data=lambda w, s: {"survivor": str(s.customer.pk), "reason": "同一客户重复录入"},
    ),
    Case(
        "customers:merge",
        target=lambda s: {"pk": s.merge.pk},
        get=only((REVIEWER, MANAGER, OTHER_MANAGER), 200, 404),
        post=405,
    ),
    post_only(
        "customers:merge_decide",
        target=lambda s: {"pk": s.merge.pk, "decision": "approve"},
        post=only((REVIEWER,), DONE, 404, manager=REFUSED, other_department_manager=REFUSED),
        data=lambda w, s: {"version": s.merge.version},
    ),
    post_only(
        "customers:merge_decide",
        label="return",
        target=lambda s: {"pk": s.merge.pk, "decision": "return"},
        post=only((REVIEWER,), DONE, 404, manager=REFUSED, other_department_manager=REFUSED),
        data=lambda w, s: {"note": "不是同一客户"},
    ),
    Case("customers:grants", get=everyone(200), post=everyone(200)),
    # Only the department's manager decides a grant; to anyone else it is not there.
    post_only(
        "customers:grant_decide",
        target=lambda s: {"grant_id": s.grant.pk, "decision": "approve"},
        post=only((MANAGER, OTHER_MANAGER), DONE, 404),
        data=lambda w, s: {"note": "同意"},
    ),
    # A live grant is ended by its holder or a manager of the department.
    post_only(
        "customers:grant_decide",
        label="revoke",
        target=lambda s: {"grant_id": s.live_grant.pk, "decision": "revoke"},
        post=only((REVIEWER, MANAGER, OTHER_MANAGER), DONE, 404),
    ),
    # Review: the department's reviewers decide entries they did not make; a
    # manager only gives the second approval of key customers (the world's are general).
    Case(
        "review:queue",
        get=only((REVIEWER, MANAGER, OTHER_MANAGER), 200, EITHER_EMPTY_OR_REFUSED),
        post=only((REVIEWER, MANAGER, OTHER_MANAGER), 200, EITHER_EMPTY_OR_REFUSED),
    ),
    Case(
        "review:page",
        target=lambda s: {"pk": s.pending.pk},
        get=only((REVIEWER,), 200, 404),
        post=only((REVIEWER,), 200, 404),
    ),
    *[
        post_only(
            route,
            target=lambda s: {"pk": s.pending.pk},
            post=only((REVIEWER,), DONE, 404, clerk=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
            data=version_of("pending"),
        )
        for route in ("review:approve", "review:return")
    ],
    *[
        post_only(
            route,
            target=lambda s: {"pk": s.change.pk},
            post=only((REVIEWER,), DONE, 404, clerk=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
            data=lambda w, s: {"note": "请补充"},
        )
        for route in ("review:change_approve", "review:change_return")
    ],
    # Transactions, orders, contracts: clerks enter, the same review decides.
    Case("transactions:list", get=everyone(200), post=everyone(200)),
    Case(
        "transactions:create",
        target=customer_query,
        get=only((CLERK,), 200, 404, reviewer=MAY_NOT_CREATE, **dict.fromkeys(DEPARTMENT_NOT_MAKER, MAY_NOT_CREATE)),
        post=only((CLERK,), DONE, 404, reviewer=FORM_REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, FORM_REFUSED)),
        data=transaction_form,
    ),
    Case(
        "transactions:detail",
        target=lambda s: {"pk": s.transaction.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=only(SEES_APPROVED, 200, 404),
    ),
    Case(
        "transactions:update",
        target=lambda s: {"pk": s.draft_transaction.pk},
        get=only((CLERK,), 200, 404, reviewer=NOT_YOURS, **dict.fromkeys(DEPARTMENT_NOT_MAKER, NOT_YOURS)),
        post=only((CLERK,), DONE, 404, reviewer=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
        data=transaction_form,
    ),
    Case(
        "transactions:confirm",
        target=lambda s: {"pk": s.draft_transaction.pk},
        get=only((CLERK,), 200, 404, reviewer=NOT_YOURS, **dict.fromkeys(DEPARTMENT_NOT_MAKER, NOT_YOURS)),
        post=only((CLERK,), 200, 404, reviewer=NOT_YOURS, **dict.fromkeys(DEPARTMENT_NOT_MAKER, NOT_YOURS)),
    ),
    post_only(
        "transactions:submit",
        target=lambda s: {"pk": s.draft_transaction.pk},
        post=only((CLERK,), DONE, 404, reviewer=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
    ),
    *[
        post_only(
            route,
            target=lambda s: {"pk": s.pending_transaction.pk},
            post=only((REVIEWER,), DONE, 404, clerk=REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, REFUSED)),
            data=version_of("pending_transaction"),
        )
        for route in ("transactions:approve", "transactions:return")
    ],
    Case(
        "transactions:order_create",
        target=customer_query,
        get=only((CLERK,), 200, 404, reviewer=MAY_NOT_CREATE, **dict.fromkeys(DEPARTMENT_NOT_MAKER, MAY_NOT_CREATE)),
        post=only((CLERK,), DONE, 404, reviewer=FORM_REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, FORM_REFUSED)),
        data=lambda w, s: {"order_no": "DD-NEW-1", "note": ""},
    ),
    # Clerks and managers move orders (both hold change_order).
    post_only(
        "transactions:order_move",
        target=lambda s: {"pk": s.order.pk},
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"to": "confirmed"},
    ),
    Case(
        "transactions:contract_create",
        target=customer_query,
        get=only((CLERK,), 200, 404, reviewer=MAY_NOT_CREATE, **dict.fromkeys(DEPARTMENT_NOT_MAKER, MAY_NOT_CREATE)),
        post=only((CLERK,), DONE, 404, reviewer=FORM_REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, FORM_REFUSED)),
        data=contract_form,
    ),
    # Contacts, complaints, surveys: clerks and managers log contacts and complaints,
    # clerks record surveys; managers reassign complaint handlers (README).
    Case(
        "interactions:interaction_create",
        target=customer_query,
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404, reviewer=MAY_NOT_CREATE, security_officer=MAY_NOT_CREATE),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=FORM_REFUSED, security_officer=FORM_REFUSED),
        data=interaction_form,
    ),
    Case(
        "interactions:interaction",
        target=lambda s: {"pk": s.interaction.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=only(SEES_APPROVED, 200, 404),
    ),
    post_only(
        "interactions:follow_up_done",
        target=lambda s: {"pk": s.interaction.pk},
        # The handler marks it done; a manager of the department may too (SPEC is silent on which).
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=REFUSED, security_officer=REFUSED),
    ),
    Case("interactions:complaints", get=everyone(200), post=everyone(200)),
    Case(
        "interactions:complaint_create",
        target=customer_query,
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404, reviewer=MAY_NOT_CREATE, security_officer=MAY_NOT_CREATE),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=FORM_REFUSED, security_officer=FORM_REFUSED),
        data=complaint_form,
    ),
    Case(
        "interactions:complaint",
        target=lambda s: {"pk": s.complaint.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=only(SEES_APPROVED, 200, 404),
    ),
    post_only(
        "interactions:complaint_move",
        target=lambda s: {"pk": s.complaint.pk},
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"to": "investigating"},
    ),
    post_only(
        "interactions:complaint_assign",
        target=lambda s: {"pk": s.complaint.pk},
        post=only((MANAGER, OTHER_MANAGER), DONE, 404, clerk=REFUSED, reviewer=REFUSED, security_officer=REFUSED),
        data=lambda w, s: {"handler": another_member(w, s).pk},
    ),
    Case(
        "interactions:feedback_create",
        target=customer_query,
        get=only((CLERK,), 200, 404, reviewer=MAY_NOT_CREATE, **dict.fromkeys(DEPARTMENT_NOT_MAKER, MAY_NOT_CREATE)),
        post=only((CLERK,), DONE, 404, reviewer=FORM_REFUSED, **dict.fromkeys(DEPARTMENT_NOT_MAKER, FORM_REFUSED)),
        data=feedback_form,
    ),
    # Imports are the uploading clerk's own; exports by the roles that export.
    Case("bulk:imports", get=only((CLERK, OTHER_CLERK), 200, 403), post=only((CLERK, OTHER_CLERK), 200, 403)),
    Case(
        "bulk:job",
        target=lambda s: {"pk": s.import_job.pk},
        get=only((CLERK,), 200, 404),
        post=only((CLERK,), 200, 404),
    ),
    Case(
        "bulk:job_status",
        target=lambda s: {"pk": s.import_job.pk},
        get=only((CLERK,), 200, 404),
        post=only((CLERK,), 200, 404),
    ),
    # Before the discard below, which removes the uploaded file.
    Case(
        "bulk:job_report",
        target=lambda s: {"pk": s.import_job.pk},
        get=only((CLERK,), 200, 404),
        post=only((CLERK,), 200, 404),
    ),
    # Starting a job that was never checked is refused with a message.
    post_only("bulk:job_start", target=lambda s: {"pk": s.import_job.pk}, post=only((CLERK,), REFUSED, 404)),
    post_only("bulk:job_discard", target=lambda s: {"pk": s.import_job.pk}, post=only((CLERK,), DONE, 404)),
    *[
        Case(
            "bulk:export",
            label=what,
            get=only((CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER), 200, 403),
            post=only((CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER), 200, 403),
            scopes=(NONE,),
            target=lambda s, what=what: {"what": what, "file_format": "csv"},
        )
        for what in ("customers", "transactions")
    ],
    # The access log and the change trail are the security officer's (SPEC §1, §2).
    Case("audit:access_log", get=only((SECURITY,), 200, AUDIT_REFUSED), post=only((SECURITY,), 200, AUDIT_REFUSED)),
    post_only("audit:verify", post=only((SECURITY,), 302, AUDIT_REFUSED)),
    Case("audit:changes", get=only((SECURITY,), 200, AUDIT_REFUSED), post=only((SECURITY,), 200, AUDIT_REFUSED)),
]


# The admin -------------------------------------------------------------------

VIEWS_REPORTS = (MANAGER, SECURITY, OTHER_MANAGER)


def staff(answer, **personas) -> dict[str, Any]:
    """For admin routes: `answer` for every staff persona (the gate handles the rest)."""
    return {p: personas.get(p, answer) for p in LOGGED_IN}


def customer_content_type(side: Side) -> dict:
    return {"content_type_id": ContentType.objects.get_for_model(type(side.customer)).pk, "object_id": side.customer.pk}


ADMIN_SITE_CASES = [
    Case("admin:index", gate=ADMIN, get=staff(200), post=staff(200)),
    # The admin's login page: staff already in are sent on; anyone else sees the form.
    Case(
        "admin:login",
        gate=OPEN,
        get={**everyone(200), **dict.fromkeys(STAFF, 302), ANONYMOUS: 200},
        post={**everyone(200), ANONYMOUS: 200},
    ),
    # admin_view sends whoever may not use the admin from its logout to its index.
    Case(
        "admin:logout",
        gate=OPEN,
        get={**dict.fromkeys(NOT_STAFF, 302), **dict.fromkeys(STAFF, 405)},
        post=302,
        relogin=True,
    ),
    Case("admin:password_change", gate=ADMIN, get=staff(200), post=staff(200)),
    Case("admin:password_change_done", gate=ADMIN, get=staff(200), post=staff(405)),
    Case("admin:autocomplete", gate=ADMIN, get=staff(403), post=staff(405)),
    Case("admin:jsi18n", gate=ADMIN, get=staff(200), post=staff(405)),
    # Reports: managers (and the security officer, who may see the department's
    # figures); a superuser without a role gets no shortcut.
    Case(
        "admin:reports_index",
        gate=ADMIN,
        get=only(VIEWS_REPORTS, 200, 403),
        post=only(VIEWS_REPORTS, 200, 403),
    ),
    *[
        Case(
            "admin:report",
            label=name,
            gate=ADMIN,
            target=lambda s, name=name: {"name": name},
            scopes=(NONE,),
            get=only(VIEWS_REPORTS, 200, 403),
            post=only(VIEWS_REPORTS, 200, 403),
        )
        for name in ("customers", "quality", "transactions", "complaints")
    ],
    # The shortcut is no existence oracle: in scope it may lead to the record (or
    # be a 404 for everyone), out of scope and missing it is a 404.
    Case(
        "admin:view_on_site",
        gate=ADMIN,
        target=customer_content_type,
        get=only(DEPARTMENT_NOT_MAKER, frozenset({302, 404}), 404),
        post=only(DEPARTMENT_NOT_MAKER, frozenset({302, 404}), 404),
    ),
    Case(
        "admin:app_list",
        label="customers",
        gate=ADMIN,
        target=lambda s: {"app_label": "customers"},
        scopes=(NONE,),
        get=staff(200),
        post=staff(200),
    ),
    Case(
        "admin:app_list",
        label="audit",
        gate=ADMIN,
        target=lambda s: {"app_label": "audit"},
        scopes=(NONE,),
        # The access log is the security officer's; a superuser without the role
        # gets no shortcut: an empty app page, a refusal or a 404 (no row: the body check).
        get=only((SECURITY,), 200, 404, superuser=frozenset({200, 403, 404})),
        post=only((SECURITY,), 200, 404, superuser=frozenset({200, 403, 404})),
    ),
    Case(
        "admin/(?P<url>.*)$",
        gate=ADMIN,
        path="/admin/no-such-page/",
        scopes=(NONE,),
        get=staff(404),
        post=staff(404),
    ),
]


@dataclass
class AdminModel:
    """One registered model of the admin and who may do what with it there."""

    app: str
    model: str
    view: tuple[str, ...]  # staff personas with the view permission
    target: Callable[[Side], Any] | None  # the row in a side, or None (no row made)
    business: bool = False  # scoped like its customer, never changed through the admin
    change: tuple[str, ...] = ()  # staff who may change it (technical models only)
    delete: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    scoped: bool = False  # has rows out of a persona's scope
    history_form: bool = False
    url_name: str = ""  # the admin's url name prefix when it is not app_model
    superuser_view: Any = None  # what a superuser without a role gets on the list
    superuser_object: Any = None  # … and on one row in scope of someone else
    change_post: Callable[[World, Side], dict] | None = None

    @property
    def prefix(self) -> str:
        return self.url_name or f"{self.app}_{self.model}"

    @property
    def path(self) -> str:
        return f"admin/{self.app}/{self.model}/"


SUPERUSER_NO_BUSINESS = frozenset({200, 403})
TECHNICAL_MISSING = frozenset({302, 403, 404})  # an empty list or a refusal; never a row (issue 14 item 1)


def _history_form_post(world: World, side: Side) -> dict:
    # What an attacker would post to rewrite a row through the history form.
    return {"name": "篡改", "status": "approved", "tier": "key", "amount": "1.00", "content": "篡改", "_save": "1"}


def admin_cases(m: AdminModel) -> list[Case]:
    target = m.target
    scopes_obj = (IN, OUT, GONE) if m.scoped else (IN, GONE) if target else (GONE,)

    def obj_kwargs(side: Side) -> dict:
        return {"object_id": target(side).pk if target else MISSING}

    sees = m.view
    cases: list[Case] = []
    # The list: viewers see it (only their scope), other staff are refused.
    list_answer = only(sees, 200, 403)
    # A POST to a list (bulk actions) changes nothing: the list again, a redirect or a refusal.
    post_list = only(sees, frozenset({200, 302, 403}), 403)
    if m.business:
        list_answer[SUPERUSER] = m.superuser_view or SUPERUSER_NO_BUSINESS
        post_list[SUPERUSER] = frozenset({200, 302, 403})
    cases.append(
        Case(
            f"admin:{m.prefix}_changelist",
            gate=ADMIN,
            get=list_answer,
            post=post_list,
            business=m.business,
            data=(lambda w, s: {"action": "delete_selected", "_selected_action": [target(s).pk], "index": "0"})
            if target
            else None,
            target=(lambda s: {}) if target else None,
            scopes=(NONE,),
        )
    )
    cases.append(
        Case(
            f"admin:{m.prefix}_add",
            gate=ADMIN,
            get=only(m.add, 200, 403),
            post=only(m.add, 200, 403),
            business=m.business,
        )
    )
    # Business rows: a superuser without a role sees none of them (404); the
    # others see their scope, and change or delete nothing (403).
    in_view = only(sees, 200, 403)
    in_change_post = only(m.change, 200, 403)
    in_delete_get = only(m.delete, 200, 403)
    in_delete_post = only(m.delete, frozenset({200, 302, 403}), 403)
    in_history_form_get = only(sees, frozenset({200, 403}), frozenset({403, 404}))
    # Revert is disabled (SIMPLE_HISTORY_REVERT_DISABLED): the history form writes nothing, for anyone.
    in_history_form_post = only(sees, 403, frozenset({403, 404}))
    if m.business:
        for table in (
            in_view,
            in_change_post,
            in_delete_get,
            in_delete_post,
            in_history_form_get,
            in_history_form_post,
        ):
            table[SUPERUSER] = 404
    if m.superuser_object is not None:
        for table in (in_view, in_change_post, in_delete_get, in_delete_post):
            table[SUPERUSER] = m.superuser_object
    # A technical model has no scope: a missing row gets Django's own answer (a
    # redirect with a message, a refusal or a 404); none of them tells anything.
    # Staff without the view permission get nothing, whatever the id: a 403 or a 404.
    blind = {p: frozenset({403, 404}) for p in STAFF if p not in sees}
    if m.business:
        missing = {**only(LOGGED_IN, 404, 404), **blind}
        if m.superuser_object is not None:
            missing[SUPERUSER] = m.superuser_object
    else:
        missing = TECHNICAL_MISSING
    out = {**missing, **blind} if m.business else 404
    common = {
        "gate": ADMIN,
        "business": m.business,
        "scopes": scopes_obj,
        "target": obj_kwargs,
        "missing": missing,
        "out": out,
    }
    cases += [
        Case(f"admin:{m.prefix}_change", get=in_view, post=in_change_post, data=m.change_post, **common),
        Case(f"admin:{m.prefix}_history", get=in_view, post=in_view, **common),
        Case(f"admin:{m.prefix}_delete", get=in_delete_get, post=in_delete_post, **common),
        # The admin's old-style URL only redirects to the change page, whatever the id.
        Case(
            f"{m.path}<path:object_id>/",
            path="/" + m.path + "{object_id}/",
            get=staff(302),
            post=staff(302),
            **{**common, "missing": 302, "out": 302},
        ),
    ]
    if m.history_form:

        def history_kwargs(side: Side, name=m.model) -> dict:
            return {"args": [target(side).pk, side.history[name]]}

        cases.append(
            Case(
                f"admin:{m.prefix}_simple_history",
                gate=ADMIN,
                business=m.business,
                scopes=scopes_obj,
                target=history_kwargs,
                get=in_history_form_get,
                post=in_history_form_post,
                data=_history_form_post,
                echo_form=True,
                out=out if m.business else 404,
                missing=missing if m.business else TECHNICAL_MISSING,
            )
        )
    return cases


ADMIN_MODELS = [
    # Business rows (issue 14 item 1): scoped like their customer, read-only.
    AdminModel(
        "customers",
        "customer",
        (MANAGER, SECURITY, OTHER_MANAGER),
        lambda s: s.customer,
        True,
        scoped=True,
        history_form=True,
    ),
    AdminModel(
        "transactions",
        "transaction",
        (MANAGER, SECURITY, OTHER_MANAGER),
        lambda s: s.transaction,
        True,
        scoped=True,
        history_form=True,
    ),
    AdminModel(
        "transactions", "order", (MANAGER, OTHER_MANAGER), lambda s: s.order, True, scoped=True, history_form=True
    ),
    AdminModel(
        "transactions", "contract", (MANAGER, OTHER_MANAGER), lambda s: s.contract, True, scoped=True, history_form=True
    ),
    AdminModel(
        "interactions",
        "interaction",
        (MANAGER, OTHER_MANAGER),
        lambda s: s.interaction,
        True,
        scoped=True,
        history_form=True,
    ),
    AdminModel(
        "interactions",
        "complaint",
        (MANAGER, OTHER_MANAGER),
        lambda s: s.complaint,
        True,
        scoped=True,
        history_form=True,
    ),
    AdminModel(
        "interactions", "feedback", (MANAGER, OTHER_MANAGER), lambda s: s.feedback, True, scoped=True, history_form=True
    ),
    # The access log: the security officer's, of their department (SPEC §2); no
    # superuser shortcut (issue 14 item 1).
    AdminModel(
        "audit",
        "accesslog",
        (SECURITY,),
        lambda s: s.access_log,
        True,
        scoped=True,
        superuser_view=SUPERUSER_NO_BUSINESS,
        superuser_object=frozenset({403, 404}),
    ),
    # Technical and catalogue models: not business rows. Tags are added in the
    # admin but renamed or deleted by nobody there: a tag is part of every tagged
    # customer's record, changed only through the services and their trail.
    AdminModel(
        "transactions",
        "product",
        (MANAGER, OTHER_MANAGER, SUPERUSER),
        lambda s: s.product,
        change=(MANAGER, OTHER_MANAGER, SUPERUSER),
        add=(MANAGER, OTHER_MANAGER, SUPERUSER),
        history_form=True,
    ),
    AdminModel(
        "customers",
        "tag",
        (MANAGER, OTHER_MANAGER, SUPERUSER),
        lambda s: s.unused_tag,
        add=(MANAGER, OTHER_MANAGER, SUPERUSER),
    ),
    AdminModel(
        "accounts",
        "department",
        (MANAGER, SECURITY, OTHER_MANAGER, SUPERUSER),
        lambda s: s.department,
        change=(SUPERUSER,),
        add=(SUPERUSER,),
        delete=(SUPERUSER,),
    ),
    AdminModel(
        "accounts",
        "user",
        (MANAGER, SECURITY, OTHER_MANAGER, SUPERUSER),
        lambda s: s.clerk,
        change=(SUPERUSER,),
        add=(SUPERUSER,),
        delete=(SUPERUSER,),
    ),
    AdminModel("auth", "group", (SUPERUSER,), None, change=(SUPERUSER,), add=(SUPERUSER,), delete=(SUPERUSER,)),
    AdminModel("axes", "accessattempt", (SUPERUSER,), None, change=(SUPERUSER,), delete=(SUPERUSER,)),
    AdminModel("axes", "accesslog", (SUPERUSER,), None, change=(SUPERUSER,), delete=(SUPERUSER,)),
    AdminModel("axes", "accessfailurelog", (SUPERUSER,), None, change=(SUPERUSER,), delete=(SUPERUSER,)),
]


def user_password_cases() -> list[Case]:
    return [
        Case(
            "admin:auth_user_password_change",
            gate=ADMIN,
            target=lambda s: {"id": s.clerk.pk},
            scopes=(IN, GONE),
            get=only((SUPERUSER,), 200, 403),
            post=only((SUPERUSER,), 200, 403),
            missing={**staff(403), SUPERUSER: 404},
        )
    ]


# Retention and destruction (issue 17 item 4): the department's managers ask for
# destructions and place legal holds; its security officer approves or refuses a
# destruction someone else asked for. Nobody else even sees the requests.
LIFECYCLE_ROLES = (MANAGER, SECURITY, OTHER_MANAGER)
ASKS = {"clerk": 403, "reviewer": 403, "security_officer": 403}  # they see the customer, but may not ask
LIFECYCLE_CASES = [
    Case("lifecycle:queue", get=only(LIFECYCLE_ROLES, 200, 403), post=405),
    Case(
        "lifecycle:destruction",
        target=lambda s: {"pk": s.destruction.pk},
        get=only(LIFECYCLE_ROLES, 200, 404),
        post=405,
    ),
    *[
        Case(
            route,
            target=customer,
            get=only((MANAGER, OTHER_MANAGER), 200, 404, **ASKS),
            post=only((MANAGER, OTHER_MANAGER), DONE, 404, **ASKS),
            data=data,
        )
        for route, data in (
            ("lifecycle:destruction_request", lambda w, s: {"basis": "subject_request", "reason": "客户要求删除"}),
            ("lifecycle:hold_create", lambda w, s: {"reason": "投诉未结"}),
        )
    ],
    # The manager asked (the other department's manager, on their side): they may
    # withdraw, never decide; the security officer decides.
    *[
        post_only(
            "lifecycle:destruction_decide",
            label=decision,
            target=lambda s, decision=decision: {"pk": s.destruction.pk, "decision": decision},
            post=only(LIFECYCLE_ROLES, REFUSED, 404, **dict.fromkeys(done_by, DONE)),
            data=lambda w, s: {"note": "核对无误"},
        )
        for decision, done_by in (
            ("approve", (SECURITY,)),
            ("refuse", (SECURITY,)),
            ("withdraw", (MANAGER, OTHER_MANAGER)),
        )
    ],
    post_only(
        "lifecycle:hold_lift",
        target=lambda s: {"pk": s.hold.pk},
        post=only((MANAGER, OTHER_MANAGER), DONE, 404, security_officer=REFUSED),
    ),
    # Archive and restore (issue 17 item 3): asked for by the record's maker or owner
    # or a manager, decided by the department's reviewer, like a change.
    Case("lifecycle:archives", get=everyone(200), post=405),
    Case(
        "lifecycle:archive",
        target=lambda s: {"pk": s.archive_request.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=405,
    ),
    Case(
        "lifecycle:archive_request",
        target=customer,
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404, reviewer=403, security_officer=403),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=403, security_officer=403),
        data=lambda w, s: {"reason": "客户已销户"},
    ),
    *[
        post_only(
            "lifecycle:archive_decide",
            label=decision,
            target=lambda s, decision=decision: {"pk": s.archive_request.pk, "decision": decision},
            post=only(SEES_APPROVED, REFUSED, 404, **dict.fromkeys(done_by, DONE)),
            data=lambda w, s: {"note": "客户仍有未结合同"},
        )
        for decision, done_by in (("approve", (REVIEWER,)), ("return", (REVIEWER,)), ("withdraw", (CLERK,)))
    ],
    # Re-verification (issue 17 item 1): clerks (their records) and managers (the department).
    Case("lifecycle:reverify", get=only((CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER), 200, 403), post=405),
    Case("lifecycle:reverify_export", get=only((CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER), 200, 403), post=405),
    Case(
        "lifecycle:reverify_confirm",
        target=customer,
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404, reviewer=403, security_officer=403),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=403, security_officer=403),
        data=lambda w, s: {"outcome": "unchanged", "method": "phone"},
    ),
    # Second checks (issue 17 item 2): each reviewer sees only the samples given to them.
    Case("lifecycle:samples", get=everyone(200), post=405),
    Case(
        "lifecycle:sample",
        target=lambda s: {"pk": s.sample.pk},
        get=only((REVIEWER,), 200, 404),
        post=only((REVIEWER,), DONE, 404),
        data=lambda w, s: {"correct": "0", "wrong_fields": ["mobile"], "note": "号码错一位"},
    ),
    # The customer's own requests (issue 17 item 5): handled by who works on the record.
    Case("lifecycle:subject_requests", get=everyone(200), post=405),
    Case(
        "lifecycle:subject_request",
        target=lambda s: {"pk": s.subject_request.pk},
        get=only(SEES_APPROVED, 200, 404),
        post=405,
    ),
    Case(
        "lifecycle:subject_request_copy",
        target=lambda s: {"pk": s.subject_request.pk},
        get=only(SEES_APPROVED, 200, 404, reviewer=302, security_officer=302),
        post=405,
    ),
    *[
        post_only(
            "lifecycle:subject_request_act",
            label=step,
            target=lambda s, step=step: {"pk": s.subject_request.pk, "step": step},
            post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=REFUSED, security_officer=REFUSED),
            data=lambda w, s: {"method": "柜台核验身份证原件", "answer": "已提供副本"},
        )
        for step in ("identity", "answer")
    ],
    Case(
        "lifecycle:subject_request_create",
        target=customer,
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404, reviewer=403, security_officer=403),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, reviewer=403, security_officer=403),
        data=lambda w, s: {"kind": "copy", "received_on": timezone.localdate().isoformat()},
    ),
]


CASES: list[Case] = [
    *APP_CASES,
    *LIFECYCLE_CASES,
    *ADMIN_SITE_CASES,
    *[case for m in ADMIN_MODELS for case in admin_cases(m)],
    *user_password_cases(),
]
