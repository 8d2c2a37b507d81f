"""Routes later parts of the product add to the hostile-input test (tests/test_hostile_input.py).

Each module here defines `ROUTES` (route name → (path kwargs, base query, personas), as
that test's own table: a kwarg's value names an entry of `ids`) and
`build(people, ids) -> dict[str, int]`, which makes the part's rows (people: "clerk",
"reviewer", "manager", "security", all of one department; ids: the test's own rows,
e.g. ids["approved"] is an approved customer's pk) and returns their ids by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def parts() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{module.name}")
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    ]
