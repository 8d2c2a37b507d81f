"""Spreadsheets for the import tests, written the way people fill them in."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.factories import make_bank_account, make_resident_id

HEADERS_ZH = [
    "客户类型",
    "名称",
    "证件类型",
    "证件号码",
    "手机号码",
    "银行账号",
    "告知客户的处理目的",
    "同意时间",
    "保存期限至",
    "标签",
]


def good_row(n: int, **overrides) -> dict:
    born = date(1970, 1, 1).replace(year=1970 + n % 40)
    row = {
        "客户类型": "个人",
        "名称": f"导入{n}",
        "证件类型": "居民身份证",
        "证件号码": make_resident_id(born, sequence=n % 1000),
        "手机号码": f"1391{n:07d}",
        "银行账号": make_bank_account(n),
        "告知客户的处理目的": "开户及客户服务",
        "同意时间": "2026/1/2 10:00",
        "保存期限至": "2031年1月2日",
        "标签": "",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS_ZH) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
