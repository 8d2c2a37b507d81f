"""Rows for the import benchmark: realistic customers as a clerk's spreadsheet has
them (field-name headers, so django-import-export reads the same file), with a
few percent planted errors and duplicates."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from stdnum import luhn
from stdnum.cn import ric

HEADERS = [
    "kind",
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "mobile",
    "email",
    "province",
    "city",
    "address",
    "postal_code",
    "bank_account",
    "occupation",
    "consent_purpose",
    "consent_at",
    "retention_until",
]
PLACES = [
    ("110105", "北京市", "北京市", "100020"),
    ("310115", "上海市", "上海市", "200120"),
    ("440305", "广东省", "深圳市", "518052"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚"


def _id(born: date, place: str, serial: int, female: bool) -> str:
    sequence = (serial % 499) * 2 + (0 if female else 1)
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def generate(path: Path, rows: int, *, seed: int = 7, error_rate: float = 0.03, duplicate_rate: float = 0.02) -> dict:
    rng = random.Random(seed)  # noqa: S311 — reproducible test data, not secrets
    planted = {"errors": 0, "duplicates": 0}
    earlier_ids: list[str] = []
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for n in range(rows):
            female = n % 2 == 0
            born = date(1950, 1, 1) + timedelta(days=(n * 7919) % 20000)
            place, province, city, postal = PLACES[n % len(PLACES)]
            # Unique IDs: the day of birth and the serial together never repeat within 10 M rows.
            id_number = _id(born, place, n // 20000, female)
            body = "6222" + f"{n:014d}"
            row = [
                "individual",
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "female" if female else "male",
                born.isoformat(),
                "resident_id",
                id_number,
                f"13{n % 10:01d}{n:08d}"[-11:],
                f"c{n}@example.com",
                province,
                city,
                f"建国路{n % 999 + 1}号",
                postal,
                body + luhn.calc_check_digit(body),
                "职员",
                "开户及客户服务",
                "2026-01-02 10:00",
                "2031-01-02",
            ]
            roll = rng.random()
            if roll < error_rate:
                row[5] = row[5][:-1] + ("0" if row[5][-1] != "0" else "1")  # a wrong check digit
                planted["errors"] += 1
            elif roll < error_rate + duplicate_rate and earlier_ids:
                row[5] = rng.choice(earlier_ids)  # the same ID as an earlier row
                planted["duplicates"] += 1
            elif len(earlier_ids) < 1000:
                earlier_ids.append(id_number)
            writer.writerow(row)
    return planted
