"""The admin: the site's own routes and every registered model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from tests.authz.matrix import (
    ADMIN,
    ANONYMOUS,
    DEPARTMENT_NOT_MAKER,
    GONE,
    IN,
    LOGGED_IN,
    MANAGER,
    NONE,
    NOT_STAFF,
    OPEN,
    OTHER_MANAGER,
    OUT,
    SECURITY,
    STAFF,
    SUPERUSER,
    Case,
    everyone,
    only,
)
from tests.authz.world import MISSING, Side, World

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


CASES = [
    *ADMIN_SITE_CASES,
    *[case for m in ADMIN_MODELS for case in admin_cases(m)],
    *user_password_cases(),
]
