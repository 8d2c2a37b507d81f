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

from core.sample_names import GIVEN, SURNAMES

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


# Customers for `seed_scale` -------------------------------------------------------
#
# Customer number n (0, 1, 2, …) is always the same customer: its cells and its
# place in the company (department, maker, review state) come from n alone, so an
# interrupted seeding resumes at the first number not yet written. ID, bank and
# mobile numbers are built from n and never repeat.

SEED_HEADERS = [
    "kind",
    "name",
    "id_type",
    "id_number",
    "customer_nature",
    "tier",
    "lifecycle_stage",
    "source_channel",
    "mobile",
    "email",
    "province",
    "city",
    "district",
    "address",
    "postal_code",
    "occupation",
    "employer",
    "bank_account",
    "interests",
    "credit_status",
    "archive_location",
    "education",
    "marital_status",
    "spouse_name",
    "children_count",
    "enterprise_nature",
    "industry",
    "contact_person",
    "legal_representative",
    "founded_on",
    "registered_capital",
    "relationship_since",
    "consent_purpose",
    "consent_at",
    "retention_until",
    "guardian_name",
    "guardian_consent_at",
]
# (address code, province, city, district, postal code): codes GB/T 2260 knows,
# none of them the demo's, so seeded ID numbers never meet a demo customer's.
SEED_PLACES = [
    ("320102", "江苏省", "南京市", "玄武区", "210018"),
    ("370202", "山东省", "青岛市", "市南区", "266001"),
    ("500103", "重庆市", "重庆市", "渝中区", "400010"),
    ("610113", "陕西省", "西安市", "雁塔区", "710061"),
    ("350203", "福建省", "厦门市", "思明区", "361001"),
    ("120101", "天津市", "天津市", "和平区", "300041"),
    ("430102", "湖南省", "长沙市", "芙蓉区", "410011"),
    ("210102", "辽宁省", "沈阳市", "和平区", "110001"),
]
SEED_COMPANIES = [
    "华信科技",
    "东方贸易",
    "长江物流",
    "启明教育",
    "恒通建设",
    "瑞丰食品",
    "蓝海医药",
    "星辰传媒",
    "鼎盛机械",
]
SEED_STREETS = ["中山路", "解放路", "人民路", "建设路", "和平路", "新华路", "胜利路", "文化路"]
SEED_OCCUPATIONS = ["教师", "工程师", "医生", "个体经营", "会计", "销售经理", "公务员", "职员", "律师", "退休"]
SEED_MOBILE_PREFIXES = ["138", "139", "135", "186", "150", "177", "133", "189", "158", "187"]
# The code's alphabet less "E" (the import once took digits around a lone E for Excel's
# scientific notation; kept so that customer n stays the customer earlier runs made).
USCC_DIGITS = "0123456789ABCDFGHJKLMNPQRTUWXY"
ADULT_DAYS = 20000  # birth dates 1950-01-01 … 2004-10
CHILD_DAYS = 2000
CHILDREN_BORN_FROM = date(2013, 1, 1)  # … to mid 2018: younger than 14 and born before any seeded entry
CHILD_EVERY = 101  # one individual in about a hundred is a child (a guardian's consent)
ORGANIZATION_EVERY = 8


def _chance(rng: random.Random, shares: list[tuple[object, float]]) -> object:
    roll = rng.random()
    for value, share in shares:
        if roll < share:
            return value
        roll -= share
    return shares[-1][0]


def seed_rng(n: int) -> random.Random:
    return random.Random(n * 2_654_435_761 + 97)  # noqa: S311 — reproducible test data, not secrets


def seed_cells(n: int, created: date) -> list[str | None]:
    """The spreadsheet row (in `SEED_HEADERS` order) of seeded customer n,
    entered on `created` (its consent is given then)."""
    rng = seed_rng(n)
    place = SEED_PLACES[n % len(SEED_PLACES)]
    values: dict[str, object] = {}
    common = {
        "tier": _chance(rng, [("general", 0.7), ("occasional", 0.25), ("key", 0.05)]),
        "lifecycle_stage": _chance(rng, [("active", 0.55), ("prospect", 0.15), ("dormant", 0.2), ("former", 0.1)]),
        "credit_status": _chance(rng, [("good", 0.7), ("unknown", 0.2), ("watch", 0.08), ("poor", 0.02)]),
        "province": place[1],
        "city": place[2],
        "district": place[3],
        "address": f"{rng.choice(SEED_STREETS)}{rng.randint(1, 999)}号",
        "postal_code": place[4],
        "mobile": f"{SEED_MOBILE_PREFIXES[(n // 100_000_000) % 10]}{n % 100_000_000:08d}",
        "archive_location": f"{'ABCD'[n % 4]}区{rng.randint(1, 20)}号柜{rng.randint(1, 6)}层",
        "consent_purpose": "开户、客户服务及合规留存",
        "consent_at": f"{created.isoformat()} 10:00",
        "retention_until": created.replace(year=created.year + 5, day=min(created.day, 28)).isoformat(),
    }
    if n % ORGANIZATION_EVERY == ORGANIZATION_EVERY - 1:
        values = _seed_organization(rng, n, place)
    else:
        values = _seed_individual(rng, n, place)
    values.update(common)
    if values.get("guardian_name"):
        values["guardian_consent_at"] = values["consent_at"]
    return [None if values.get(h) is None else str(values[h]) for h in SEED_HEADERS]


def _seed_individual(rng: random.Random, n: int, place: tuple) -> dict:
    places = len(SEED_PLACES)
    female = rng.random() < 0.5
    if n % CHILD_EVERY == 0:
        m = n // CHILD_EVERY
        born = CHILDREN_BORN_FROM + timedelta(days=(m // places) % CHILD_DAYS)
        serial = (m // (places * CHILD_DAYS)) % 499
    else:
        born = date(1950, 1, 1) + timedelta(days=((n // places) * 7919) % ADULT_DAYS)
        serial = (n // (places * ADULT_DAYS)) % 499
    sequence = serial * 2 + (0 if female else 1)
    body = f"{place[0]}{born:%Y%m%d}{sequence:03d}"
    married = rng.random() < 0.55 and n % CHILD_EVERY
    # Birth date and gender left blank, as clerks may: the model fills them from the ID number.
    values = {
        "kind": "individual",
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else ""),
        "id_type": "resident_id",
        "id_number": body + ric.calc_check_digit(body + "0"),
        "customer_nature": "consumer",
        "source_channel": rng.choice(["phone", "walk_in", "referral", "web_form", "walk_in"]),
        "email": f"c{n}@example.com" if n % 3 == 0 else None,
        "occupation": rng.choice(SEED_OCCUPATIONS),
        "education": rng.choice(["bachelor", "master", "senior_high", "associate", "vocational", "junior_high"]),
        "marital_status": "married" if married else rng.choice(["single", "divorced", "unknown"]),
        "interests": rng.choice(["理财、旅游", "摄影", "高尔夫、红酒", "亲子活动", "", "", "阅读"]),
    }
    if rng.random() < 0.6:
        body = f"621700{n:012d}"
        values["bank_account"] = body + luhn.calc_check_digit(body)
    if married:
        values["spouse_name"] = rng.choice(SURNAMES) + rng.choice(GIVEN)
        values["children_count"] = rng.randint(0, 3)
    if n % CHILD_EVERY == 0:
        values.update(
            occupation="学生",
            education="primary",
            marital_status="single",
            guardian_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        )
    return values


def _seed_organization(rng: random.Random, n: int, place: tuple) -> dict:
    from stdnum.cn import uscc

    digits, rest = [], n
    for _ in range(9):
        rest, digit = divmod(rest, len(USCC_DIGITS))
        digits.append(USCC_DIGITS[digit])
    body = "91" + place[0] + "".join(reversed(digits))
    company = rng.choice(SEED_COMPANIES)
    return {
        "kind": "organization",
        "name": f"{place[2].removesuffix('市')}{company}{n}有限公司",
        "id_type": "uscc",
        "id_number": body + uscc.calc_check_digit(body + "0"),
        "customer_nature": rng.choice(["company", "key_partner", "trade_partner", "government"]),
        "source_channel": rng.choice(["referral", "email", "phone"]),
        "email": f"contact{n}@corp.example.cn",
        "employer": "",
        "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "enterprise_nature": rng.choice(["private", "state_owned", "foreign_invested", "joint_venture"]),
        "industry": rng.choice("CFIJMEGL"),
        "founded_on": date(1990 + n % 33, 1 + n % 12, 1 + n % 28).isoformat(),
        "registered_capital": rng.choice([500_000, 1_000_000, 5_000_000, 20_000_000]),
        "relationship_since": date(2012 + n % 10, 1 + n % 12, 1 + n % 28).isoformat(),
    }
