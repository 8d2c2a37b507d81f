"""Rows later parts of the product add to each side of the authorization world.

Each module here defines `build(side, n) -> dict[str, Any]`: it makes its rows in
`side.department` (`n` is the side's number, for unique names: 100 or 200) and
returns them by name; they land in `side.extra`, and the part's rules
(`tests/authz/rules/<part>.py`) reach them as `s.extra["name"]`. A part adds a
module instead of editing `tests/authz/world.py`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any


def builders() -> list[Callable[[Any, int], dict[str, Any]]]:
    return [
        importlib.import_module(f"{__name__}.{module.name}").build
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    ]
