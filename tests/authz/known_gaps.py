"""Cells of the authorization matrix where the code does not (yet) answer what
the rules of `tests/authz/matrix.py` say. Each is a real bug; whoever fixes it
removes its line. A cell listed here must fail (strict, like
xfail(strict=True)): when it passes, the matrix test says so — remove it."""

from __future__ import annotations


def _cells(routes, personas, scopes, methods=("get", "post")) -> set[tuple[str, str, str, str]]:
    return {(r, p, s, m) for r in routes for p in personas for s in scopes for m in methods}


# Key: (route key, persona, scope, method).
KNOWN_GAPS: set[tuple[str, str, str, str]] = set()
