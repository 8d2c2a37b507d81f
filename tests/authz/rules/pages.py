"""The application's pages: customers, review, transactions, service, bulk, reports, audit."""

from __future__ import annotations

from tests.authz.matrix import (
    ANONYMOUS,
    AUDIT_REFUSED,
    CLERK,
    DEPARTMENT_NOT_MAKER,
    DONE,
    EITHER_EMPTY_OR_REFUSED,
    FORM_REFUSED,
    MANAGER,
    MAY_NOT_CREATE,
    NONE,
    NOT_YOURS,
    OPEN,
    OTHER_CLERK,
    OTHER_MANAGER,
    REFUSED,
    REVIEWER,
    SECURITY,
    SEES_APPROVED,
    Case,
    another_member,
    complaint_form,
    contract_form,
    customer,
    customer_form,
    customer_query,
    draft_form,
    everyone,
    feedback_form,
    id_number_of,
    interaction_form,
    only,
    post_only,
    transaction_form,
    version_of,
)

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


CASES = APP_CASES
