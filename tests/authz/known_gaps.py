"""Cells of the authorization matrix where the code does not (yet) answer what
the rules of `tests/authz/matrix.py` say. Each is a real bug; the helper who fixes
it empties its lines. A cell listed here must fail (strict, like
xfail(strict=True)): when it passes, the matrix test says so — remove it."""

from __future__ import annotations

from tests.authz.matrix import ANONYMOUS, GONE, IN, MANAGER, NONE, OTHER_MANAGER, OUT, SECURITY, SUPERUSER


def _cells(routes, personas, scopes, methods=("get", "post")) -> set[tuple[str, str, str, str]]:
    return {(r, p, s, m) for r in routes for p in personas for s in scopes for m in methods}


_HISTORY_FORMS = [
    f"admin:{name}_simple_history"
    for name in (
        "customers_customer",
        "transactions_transaction",
        "transactions_order",
        "transactions_contract",
        "interactions_interaction",
        "interactions_complaint",
        "interactions_feedback",
    )
]
_HISTORY_FORMS_WITH_CUSTOMER_DROPDOWN = _HISTORY_FORMS[2:]  # their form lists every customer
_ACCESS_LOG_OBJECT = ["admin:audit_accesslog_change", "admin:audit_accesslog_delete", "admin:audit_accesslog_history"]

# Key: (route key, persona, scope, method).
KNOWN_GAPS: set[tuple[str, str, str, str]] = {
    # ADMIN — the history form: loaded without the admin's scope, saved on POST
    # after a view check, and its foreign-key dropdowns list every customer.
    *_cells(_HISTORY_FORMS, (SUPERUSER,), (IN, OUT)),
    *_cells(_HISTORY_FORMS, (MANAGER, OTHER_MANAGER), (OUT,)),
    *_cells(_HISTORY_FORMS, (MANAGER, OTHER_MANAGER), (IN,), ("post",)),
    *_cells(_HISTORY_FORMS_WITH_CUSTOMER_DROPDOWN, (MANAGER, OTHER_MANAGER), (IN,), ("get",)),
    *_cells(_HISTORY_FORMS[:2], (SECURITY,), (OUT,)),
    *_cells(_HISTORY_FORMS[:2], (SECURITY,), (IN,), ("post",)),
    # … and the product's, which reverts the catalogue although revert is disabled.
    *_cells(["admin:transactions_product_simple_history"], (MANAGER, OTHER_MANAGER, SUPERUSER), (IN,), ("post",)),
    # ADMIN — the shortcut /admin/r/… leads to records out of scope (an existence oracle).
    *_cells(["admin:view_on_site"], (MANAGER, SECURITY, OTHER_MANAGER, SUPERUSER), (OUT,)),
    *_cells(["admin:view_on_site"], (SUPERUSER,), (IN,)),
    # ADMIN — the access log in the admin: not scoped to the security officer's
    # department, Django's "does not exist" redirect for a missing row, and a
    # superuser shortcut.
    *_cells(["admin:audit_accesslog_changelist"], (SECURITY, SUPERUSER), (NONE,)),
    *_cells(_ACCESS_LOG_OBJECT, (SECURITY,), (OUT, GONE)),
    *_cells(["admin:audit_accesslog_history"], (MANAGER, OTHER_MANAGER), (GONE,)),
    *_cells(["admin:audit_accesslog_history"], (SUPERUSER,), (IN, OUT, GONE)),
    *_cells(["admin:audit_accesslog_change"], (SUPERUSER,), (IN, OUT, GONE), ("get",)),
    *_cells(["admin:app_list[audit]"], (SUPERUSER,), (NONE,)),
    # ADMIN (crm/admin_site.py) — /admin/login/ is a 500 for anonymous visitors:
    # get_app_list asks AnonymousUser for has_role_permission.
    *_cells(["admin:login"], (ANONYMOUS,), (NONE,)),
}
