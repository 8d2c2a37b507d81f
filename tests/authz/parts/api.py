"""API tokens of each side (issue 21): an "enter" and a "reader" token made by
the side's manager, with their secrets (tests/api/ sends them)."""

from __future__ import annotations

from typing import Any

from api import services


def build(side, n: int) -> dict[str, Any]:
    enter, enter_secret = services.token_create(actor=side.manager, system_name=f"网银系统{n}", role="enter")
    reader, reader_secret = services.token_create(actor=side.manager, system_name=f"数据仓库{n}", role="reader")
    return {
        "enter_token": enter,
        "enter_secret": enter_secret,
        "reader_token": reader,
        "reader_secret": reader_secret,
    }
