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

from django.utils import timezone

from customers.models import Customer
from tests.authz.world import Side, World

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
