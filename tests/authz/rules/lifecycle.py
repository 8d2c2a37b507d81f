"""The record's life after approval (issue 17)."""

from __future__ import annotations

from django.utils import timezone

from tests.authz.matrix import (
    CLERK,
    DONE,
    MANAGER,
    OTHER_CLERK,
    OTHER_MANAGER,
    REFUSED,
    REVIEWER,
    SECURITY,
    SEES_APPROVED,
    Case,
    customer,
    everyone,
    only,
    post_only,
)

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


CASES = LIFECYCLE_CASES
