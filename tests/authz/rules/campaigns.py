"""Call and campaign lists (issue 20 item 6): managers and clerks keep saved
filters; a filter, its list and its export are its owner's alone (anyone else:
404, as for an object out of scope)."""

from __future__ import annotations

from tests.authz.matrix import CLERK, DONE, MANAGER, OTHER_CLERK, OTHER_MANAGER, Case, only, post_only

USERS = (CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER)


def saved(side) -> dict:
    return {"pk": side.extra["campaign_filter"].pk}


CASES = [
    Case(
        "campaigns:index",
        get=only(USERS, 200, 403),
        post=only(USERS, DONE, 403),
        data=lambda w, s: {"name": "重点客户回访", "tier": "key"},
    ),
    Case("campaigns:list", target=saved, get=only((CLERK,), 200, 404), post=405),
    *[
        Case(
            "campaigns:export",
            label=file_format,
            target=lambda s, file_format=file_format: {**saved(s), "file_format": file_format},
            get=only((CLERK,), 200, 404),
            post=405,
        )
        for file_format in ("csv", "xlsx")
    ],
    post_only("campaigns:delete", target=saved, post=only((CLERK,), DONE, 404)),
]
