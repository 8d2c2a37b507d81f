"""Cells of the authorization matrix where the code does not (yet) answer what
the rules of `tests/authz/matrix.py` say. Each is a real bug; whoever fixes it
removes its line. A cell listed here must fail (strict, like
xfail(strict=True)): when it passes, the matrix test says so — remove it."""

from __future__ import annotations

from tests.authz.matrix import ANONYMOUS, NONE


def _cells(routes, personas, scopes, methods=("get", "post")) -> set[tuple[str, str, str, str]]:
    return {(r, p, s, m) for r in routes for p in personas for s in scopes for m in methods}


# Key: (route key, persona, scope, method).
KNOWN_GAPS: set[tuple[str, str, str, str]] = {
    # crm/admin_site.py — /admin/login/ is a 500 for a visitor not logged in:
    # get_app_list calls may_see_reports(AnonymousUser), which has no
    # has_role_permission.
    *_cells(["admin:login"], (ANONYMOUS,), (NONE,)),
}
