"""The security officer's watch (issue 18 items 3-4): only the department's
security officer opens any of it; anyone else gets the 404 of a page that does
not exist. An account, incident or alert of another department is a 404 to the
officer too."""

from __future__ import annotations

from tests.authz.matrix import DONE, IN, OUT, SECURITY, Case, only

WINDOW = {"since": "2026-01-01", "until": "9999-12-31"}


def _account_query(side) -> dict:
    return {"file_format": "csv", "?": {"user": side.clerk.username, **WINDOW}}


def _incident(side) -> dict:
    return {"pk": side.extra["incident"].pk}


def _alert(side) -> dict:
    return {"pk": side.extra["alert"].pk}


OFFICER_ONLY = only((SECURITY,), 200, 404)
CASES = [
    Case("watch:report", get=OFFICER_ONLY, post=405),
    # The account is named in the query: one of another department is "no such
    # account", and the officer is sent back to the form (a user name has no "missing" id).
    Case(
        "watch:report_export",
        target=_account_query,
        get=OFFICER_ONLY,
        post=405,
        scopes=(IN, OUT),
        out=only((SECURITY,), 302, 404),
    ),
    Case("watch:incidents", get=OFFICER_ONLY, post=405),
    Case(
        "watch:incident_create",
        get=OFFICER_ONLY,
        post=only((SECURITY,), DONE, 404),
        data=lambda w, s: {"user": s.clerk.username, "description": "批量导出客户名单", **WINDOW},
    ),
    Case(
        "watch:incident",
        target=_incident,
        get=OFFICER_ONLY,
        post=only((SECURITY,), DONE, 404),
        data=lambda w, s: {"status": "contained", "measures": "已锁定账户", "contact": "信息安全员"},
    ),
    Case("watch:notice", target=_incident, get=OFFICER_ONLY, post=405),
    Case("watch:notice_download", target=_incident, get=OFFICER_ONLY, post=405),
    Case(
        "watch:lock",
        target=lambda s: {"pk": s.clerk.pk},
        get=OFFICER_ONLY,
        post=only((SECURITY,), DONE, 404),
        data=lambda w, s: {"reason": "疑似泄露客户信息", "confirm": "on"},
    ),
    Case("watch:alerts", get=OFFICER_ONLY, post=405),
    Case(
        "watch:alert",
        target=_alert,
        get=OFFICER_ONLY,
        post=only((SECURITY,), DONE, 404),
        data=lambda w, s: {"note": "已核实，属正常批量核对"},
    ),
]
