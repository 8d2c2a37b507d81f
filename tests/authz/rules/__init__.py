"""The authorization matrix's rules, one module per part of the product.

Each module here defines `CASES` (a list of `tests.authz.matrix.Case`); every one is
collected, so a new app adds its own module rather than editing a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.authz.matrix import Case


def _collect() -> list[Case]:
    cases: list[Case] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        cases.extend(importlib.import_module(f"{__name__}.{module.name}").CASES)
    return cases


CASES: list[Case] = _collect()
