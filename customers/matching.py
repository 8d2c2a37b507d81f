"""How two customer records are compared (issue 19): the folded keys stored on
each record, and the rules that say — with a score — why two records may be one
customer.

The keys are pure functions of the record's values, computed by
`Customer.normalize()` on every save (and by the import, which calls it), so
every way in stores them the same way:

- `match_name`: the name folded — NFKC (full-width forms), traditional
  characters made simplified (OpenCC's `t2s`), no spacing or middle dots, case
  folded; for an organisation its core, without the legal form
  (有限公司, 有限责任公司, 股份有限公司 …) or the place (北京…, （北京）).
- `match_pinyin`: the folded name in toneless pinyin (张伟 and 章伟 share it).
- `match_address`: a keyed digest (the blind-index key) of the folded postal
  address, so the key is no second plaintext copy of an S2 value.

Phone numbers are compared as stored (E.164, both columns indexed); e-mails
case-folded through an expression index on `LOWER(email)`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from opencc import OpenCC
from pypinyin import lazy_pinyin

from vault.crypto import blind_index

_SPACING = re.compile(r"[\s·•・．.,，\-_'’\"]+")
_BRACKETED = re.compile(r"[(\[【〔{]([^)\]】〕}]*)[)\]】〕}]")
LEGAL_FORMS = (
    # Longest first: the first that ends the name is taken off, then again.
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "有限合伙",
    "合伙企业",
    "个人独资企业",
    "公司",
    "集团",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "limited",
    "ltd",
    "inc",
    "corp",
    "company",
)
# Provinces, autonomous regions and the larger cities: the place a company name
# begins with (北京某某科技) or carries in brackets (某某科技（北京）).
_PLACE_NAMES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 "
    "海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州 杭州 南京 "
    "苏州 武汉 成都 西安 天津 青岛 大连 宁波 厦门 沈阳 长沙 郑州 济南 哈尔滨 长春 石家庄 太原 合肥 "
    "福州 南昌 南宁 昆明 贵阳 兰州 西宁 银川 乌鲁木齐 拉萨 呼和浩特 海口 无锡 佛山 东莞 珠海 温州 "
    "绍兴 嘉兴 金华 台州 常州 南通 徐州 烟台 潍坊 泉州 中山 惠州"
)
PLACES = tuple(sorted(set(_PLACE_NAMES.split(" ")), key=len, reverse=True))
_PLACE_SUFFIX = ("特别行政区", "自治区", "省", "市")


@lru_cache(maxsize=1)
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


def fold(text: str | None) -> str:
    """One spelling for what people type differently: full-width forms,
    traditional characters, spacing and middle dots, case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _to_simplified().convert(text)
    return _SPACING.sub("", text).casefold()


def _strip_place_suffix(text: str) -> str:
    for suffix in _PLACE_SUFFIX:
        if text.startswith(suffix):
            return text[len(suffix) :]
    return text


def organization_parts(name: str | None) -> tuple[str, str]:
    """(core, place) of an organisation's name: 北京某某科技有限公司,
    北京某某科技有限责任公司 and 某某科技（北京）有限公司 all give (某某科技, 北京)."""
    folded = fold(name)
    place = ""
    bracketed = _BRACKETED.findall(folded)
    core = _BRACKETED.sub("", folded)
    for inside in bracketed:
        for known in PLACES:
            if inside.startswith(known):
                place = known
                break
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if core.endswith(form) and len(core) > len(form):
                core, changed = core[: -len(form)], True
                break
    for known in PLACES:
        if core.startswith(known) and len(core) > len(known) + 1:
            place = place or known
            core = _strip_place_suffix(core[len(known) :])
            break
    return (core or folded), place


def name_key(kind: str, name: str | None) -> str:
    if kind == "organization":
        return organization_parts(name)[0][:100]
    return fold(name)[:100]


def pinyin_key(folded_name: str) -> str:
    return "".join(lazy_pinyin(folded_name))[:200] if folded_name else ""


def address_key(*parts: str | None) -> str:
    street = fold("".join(p or "" for p in parts[-1:]))
    if not street:
        return ""
    return blind_index("customer.match_address", fold("".join(p or "" for p in parts)))[:32]


def swapped(born: date | None) -> date | None:
    """The same date with day and month swapped, when that is another real date."""
    if born is None or born.day > 12 or born.day == born.month:
        return None
    return born.replace(month=born.day, day=born.month)


def birth_block(born: date) -> tuple[int, int, int]:
    """A date and its day-month swap share this key."""
    return (born.year, min(born.month, born.day), max(born.month, born.day))


def fill_match_keys(customer) -> None:
    """Set the record's stored match keys from its (normalised) values."""
    customer.match_name = name_key(customer.kind, customer.name)
    customer.match_pinyin = pinyin_key(customer.match_name)
    customer.match_address = address_key(customer.province, customer.city, customer.district, customer.address)


# Rules ----------------------------------------------------------------------------

RULES = {
    "id_number": (_("same ID number"), 1.0),
    "mobile": (_("same mobile"), 0.8),
    "mobile_in_phone": (_("one's mobile is the other's phone"), 0.7),
    "email": (_("same e-mail (ignoring case)"), 0.7),
    "name_birth": (_("same name and date of birth"), 0.9),
    "name_birth_swapped": (_("same name, date of birth with day and month swapped"), 0.75),
    "organization_name": (_("same organisation name without legal form and place"), 0.8),
    "pinyin_contact": (_("same pinyin and a shared phone, e-mail or address"), 0.6),
}
# What a pair needs to be reported: one of these (a shared landline or address
# alone only supports the pinyin rule).
MATCH_FIELDS = (
    "pk",
    "archive_no",
    "status",
    "kind",
    "department_id",
    "id_type",
    "id_number_index",
    "mobile",
    "phone",
    "email",
    "name",
    "birth_date",
    "match_name",
    "match_pinyin",
    "match_address",
)


@dataclass(frozen=True, slots=True)
class Keys:
    """What the rules compare of one record (from the stored columns)."""

    pk: int
    kind: str
    id_type: str
    id_index: str
    mobile: str
    phone: str
    email: str
    match_name: str
    match_pinyin: str
    match_address: str
    birth_date: date | None
    place: str

    @classmethod
    def of(cls, c) -> Keys:
        return cls.from_values(
            pk=c.pk,
            kind=c.kind,
            id_type=c.id_type,
            id_index=c.id_number_index,
            mobile=c.mobile,
            phone=c.phone,
            email=c.email,
            name=c.name,
            birth_date=c.birth_date,
            match_name=getattr(c, "match_name", "") or name_key(c.kind, c.name),
            match_pinyin=getattr(c, "match_pinyin", "") or "",
            match_address=getattr(c, "match_address", "") or "",
        )

    @classmethod
    def from_values(cls, *, pk, kind, id_type, id_index, mobile, phone, email, name, birth_date, **keys) -> Keys:
        match_name = keys.get("match_name") or name_key(kind, name)
        return cls(
            pk=pk,
            kind=kind,
            id_type=id_type or "",
            id_index=id_index or "",
            mobile=_e164(mobile),
            phone=_e164(phone),
            email=(email or "").casefold(),
            match_name=match_name,
            match_pinyin=keys.get("match_pinyin") or pinyin_key(match_name),
            match_address=keys.get("match_address") or "",
            birth_date=birth_date,
            place=organization_parts(name)[1] if kind == "organization" else "",
        )


def _e164(number) -> str:
    if number in (None, ""):
        return ""
    return number.as_e164 if hasattr(number, "as_e164") else str(number)


def pair_rules(a: Keys, b: Keys) -> list[str]:
    """The rules two records meet, strongest first; empty when they are not a
    possible duplicate. An equal ID number is enough on its own."""
    if a.id_index and a.id_index == b.id_index and a.id_type == b.id_type:
        return ["id_number"]
    if a.kind != b.kind:
        return []
    rules = []
    if a.kind == "individual" and a.match_name and a.match_name == b.match_name and a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            rules.append("name_birth")
        elif swapped(a.birth_date) == b.birth_date:
            rules.append("name_birth_swapped")
    if (
        a.kind == "organization"
        and a.match_name
        and a.match_name == b.match_name
        and (not a.place or not b.place or a.place == b.place)
    ):
        rules.append("organization_name")
    if a.mobile and a.mobile == b.mobile:
        rules.append("mobile")
    elif (a.mobile and a.mobile == b.phone) or (b.mobile and b.mobile == a.phone):
        rules.append("mobile_in_phone")
    if a.email and a.email == b.email:
        rules.append("email")
    shared_contact = (
        (a.phone and a.phone in (b.phone, b.mobile))
        or (a.mobile and a.mobile in (b.phone, b.mobile))
        or (a.email and a.email == b.email)
        or (a.match_address and a.match_address == b.match_address)
    )
    if a.match_pinyin and a.match_pinyin == b.match_pinyin and shared_contact:
        rules.append("pinyin_contact")
    return rules


def score(rules: list[str]) -> float:
    """1 − Π(1 − weight): each further independent reason raises it."""
    if "id_number" in rules:
        return 1.0
    remaining = 1.0
    for rule in rules:
        remaining *= 1 - RULES[rule][1]
    return round(1 - remaining, 2)


def explain(rules: list[str]) -> str:
    return "; ".join(str(RULES[r][0]) for r in rules)


def match_keys_backfill(model, *, batch_size: int = 2000, only_missing: bool = False, progress=None) -> int:
    """Fill the stored keys of existing rows, `batch_size` rows a query, walking
    the primary key (no OFFSET): a million rows are 500 reads and 500 batched
    UPDATEs. `model` may be the migration's historical model."""
    from django.db import connections

    connection = connections["default"]
    quote = connection.ops.quote_name
    meta = model._meta
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    sets = ", ".join(f"{quote(meta.get_field(f).column)} = %s" for f in ("match_name", "match_pinyin", "match_address"))
    sql = f"UPDATE {table} SET {sets} WHERE {pk_column} = %s"  # noqa: S608 — names from the model
    rows = model._default_manager.order_by("pk")
    if only_missing:
        rows = rows.filter(match_name="")
    last, done = 0, 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).values_list("pk", "kind", "name", "province", "city", "district", "address")[
                :batch_size
            ]
        )
        if not batch:
            return done
        values = []
        for pk, kind, name, *place in batch:
            folded = name_key(kind, name)
            values.append((folded, pinyin_key(folded), address_key(*place), pk))
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
        last, done = batch[-1][0], done + len(batch)
        if progress:
            progress(done)
