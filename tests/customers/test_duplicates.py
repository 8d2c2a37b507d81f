"""Duplicates found the way people really mistype them (issue 19): a labelled set
of true pairs in every variant and of look-alikes that are not one customer."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from itertools import count

import pytest
from django.core.management import call_command

from customers.duplicates import possible_duplicates
from customers.matching import fold, organization_parts, pinyin_key, swapped
from customers.models import Customer, DuplicatePair
from customers.sweep import find_duplicate_pairs
from tests.factories import CustomerFactory, make_resident_id, make_uscc

_numbers = count(500)


def person(actor, name, born, **fields):
    """An individual with a resident ID that agrees with `born`, and its own mobile."""
    n = next(_numbers)
    values = {
        "name": name,
        "birth_date": born,
        "id_number": make_resident_id(born, sequence=n % 1000),
        "mobile": f"+86139{n:08d}",
    }
    values.update(fields)
    return CustomerFactory(actor=actor, n=n, **values)


def organization(actor, name, **fields):
    n = next(_numbers)
    values = {"name": name, "id_number": make_uscc(n), "phone": f"+8610655{n:05d}"}
    values.update(fields)
    return CustomerFactory(actor=actor, n=n, organization=True, **values)


def labelled_set(clerk, other_clerk):
    """(true pairs with the rule that must explain each, look-alike pairs)."""
    true, false = [], []

    def pair(rule, a, b):
        true.append((rule, a, b))

    born = date(1988, 4, 9)
    pair("name_birth", person(clerk, "張偉", born), person(other_clerk, "张伟", born))
    pair("name_birth", person(clerk, "王 小明", date(1979, 12, 1)), person(other_clerk, "王小明", date(1979, 12, 1)))
    pair(
        "name_birth",
        person(clerk, "ＡＬＩＣＥ 林", date(1992, 6, 30)),
        person(other_clerk, "Alice林", date(1992, 6, 30)),
    )
    pair(
        "name_birth", person(clerk, "欧阳·娜娜", date(2000, 6, 15)), person(other_clerk, "欧阳娜娜", date(2000, 6, 15))
    )
    pair(
        "name_birth_swapped",
        person(clerk, "刘洋", date(1990, 3, 7)),
        person(other_clerk, "刘洋", date(1990, 7, 3)),
    )
    pair(
        "organization_name",
        organization(clerk, "北京某某科技有限公司"),
        organization(other_clerk, "北京某某科技有限责任公司"),
    )
    pair(
        "organization_name",
        organization(clerk, "北京华信数据有限公司"),
        organization(other_clerk, "华信数据（北京）有限公司"),
    )
    pair(
        "organization_name",
        organization(clerk, "深圳市恒通物流股份有限公司"),
        organization(other_clerk, "恒通物流(深圳)有限公司"),
    )
    uscc = make_uscc(9001)
    pair(
        "id_number",
        organization(clerk, "蓝天贸易有限公司", id_number=uscc),
        organization(other_clerk, "蓝天商贸", id_number=uscc),
    )
    resident = make_resident_id(date(1970, 1, 2), sequence=77)
    pair(
        "id_number",
        person(clerk, "赵强", date(1970, 1, 2), id_number=resident),
        person(other_clerk, "赵刚", date(1970, 1, 2), id_number=resident),
    )
    pair(
        "email",
        person(clerk, "孙丽", date(1983, 5, 5), email="Sun.Li@Example.COM"),
        person(other_clerk, "孙莉莉", date(1984, 2, 2), email="sun.li@example.com"),
    )
    pair(
        "mobile_in_phone",
        person(clerk, "周杰", date(1981, 8, 20), mobile="+8613700001111"),
        person(other_clerk, "周杰伦", date(1979, 1, 18), mobile="", phone="13700001111"),
    )
    pair(
        "mobile",
        person(clerk, "吴敏", date(1975, 2, 14), mobile="+8613700002222"),
        person(other_clerk, "吴敏", date(1976, 2, 28), mobile="137 0000 2222"),
    )
    pair(
        "pinyin_contact",
        person(clerk, "张伟", date(1966, 10, 10), phone="+861065551234"),
        person(other_clerk, "章伟", date(1967, 9, 9), phone="010-6555-1234"),
    )
    pair(
        "pinyin_contact",
        person(
            clerk,
            "陈静",
            date(1995, 1, 20),
            province="北京市",
            city="北京市",
            district="朝阳区",
            address="望京街10号3单元501",
        ),
        person(
            other_clerk,
            "陈晶",
            date(1996, 1, 21),
            province="北京市",
            city="北京市",
            district="朝阳区",
            address="望京街 10 号 3 单元 501",
        ),
    )

    # Look-alikes: common names with other birth dates, a family sharing a landline
    # and an address, a date whose swap is no date, the same firm's name in two cities.
    for name in ("王伟", "李娜", "张敏", "王芳"):
        a = person(clerk, name, date(1985, 1, 13))
        b = person(other_clerk, name, date(1991, 5, 20))
        c = person(other_clerk, name, date(1985, 1, 14))
        false += [(a, b), (a, c), (b, c)]
    home = {
        "phone": "+861062228888",
        "province": "北京市",
        "city": "北京市",
        "district": "海淀区",
        "address": "中关村南大街5号",
    }
    father = person(clerk, "王建国", date(1960, 3, 3), **home)
    mother = person(clerk, "李秀英", date(1962, 8, 8), **home)
    son = person(other_clerk, "王小军", date(1990, 11, 11), **home)
    false += [(father, mother), (father, son), (mother, son)]
    false.append((person(clerk, "黄磊", date(1990, 3, 25)), person(other_clerk, "黄磊", date(1990, 3, 26))))
    false.append((organization(clerk, "北京华信科技有限公司"), organization(other_clerk, "上海华信科技有限公司")))
    return true, false


@pytest.mark.django_db
def test_every_true_pair_is_found_and_explained_and_no_look_alike_is_reported(clerk, other_clerk):
    true, false = labelled_set(clerk, other_clerk)
    everyone = [c for _, a, b in true for c in (a, b)] + [c for pair in false for c in pair]
    found = possible_duplicates(everyone)
    for rule, a, b in true:
        matches = {d.pk: d for d in found.get(a.pk, [])}
        assert b.pk in matches, f"{a.name} / {b.name} not found ({rule})"
        assert rule in matches[b.pk].rules, f"{a.name} / {b.name}: {matches[b.pk].rules}, expected {rule}"
        assert matches[b.pk].reason and 0 < matches[b.pk].score <= 1
    reported = {frozenset((pk, d.pk)) for pk, dups in found.items() for d in dups}
    look_alikes = {frozenset((a.pk, b.pk)) for a, b in false}
    assert not reported & look_alikes
    true_pairs = {frozenset((a.pk, b.pk)) for _, a, b in true}
    false_reported = reported - true_pairs
    assert len(false_reported) <= 0.02 * len(reported)


@pytest.mark.django_db
def test_the_sweep_finds_the_same_pairs_as_the_entry_check(clerk, other_clerk):
    true, false = labelled_set(clerk, other_clerk)
    result = find_duplicate_pairs()
    reported = {frozenset((p.a, p.b)): p for p in result.pairs}
    for rule, a, b in true:
        assert frozenset((a.pk, b.pk)) in reported, f"{a.name} / {b.name} not found by the sweep ({rule})"
        assert rule in reported[frozenset((a.pk, b.pk))].rules
    true_pairs = {frozenset((a.pk, b.pk)) for _, a, b in true}
    assert not set(reported) & {frozenset((a.pk, b.pk)) for a, b in false}
    assert len(set(reported) - true_pairs) <= 0.02 * len(reported)


@pytest.mark.django_db
def test_an_exact_id_match_is_absolute_whatever_else_differs(clerk, other_clerk):
    number = make_resident_id(date(1970, 1, 2), sequence=12)
    a = person(clerk, "赵强", date(1970, 1, 2), id_number=number)
    b = person(other_clerk, "钱多多", date(1970, 1, 2), id_number=number)
    (match,) = possible_duplicates([a])[a.pk]
    assert (match.pk, match.rules, match.score) == (b.pk, ("id_number",), 1.0)


@pytest.mark.django_db
def test_the_entry_check_of_a_page_costs_at_most_two_queries(clerk, other_clerk, django_assert_max_num_queries):
    true, _ = labelled_set(clerk, other_clerk)
    page = list(Customer.objects.filter(pk__in=[a.pk for _, a, _ in true]))
    with django_assert_max_num_queries(2):
        found = possible_duplicates(page)
    assert len(found) == len(page)


@pytest.mark.django_db
def test_the_stored_keys_are_folded_on_every_save(clerk):
    customer = person(clerk, "張　偉", date(1988, 4, 9), province="北京市", address="望京街10号")
    customer.refresh_from_db()
    assert customer.match_name == "张伟"
    assert customer.match_pinyin == "zhangwei"
    assert len(customer.match_address) == 32 and "望京" not in customer.match_address
    org = organization(clerk, "華信科技（北京）有限責任公司")
    org.refresh_from_db()
    assert org.match_name == "华信科技"


def test_folding_takes_traditional_full_width_and_spacing_to_one_spelling():
    assert fold("張 偉") == fold("张伟") == fold("张　伟") == "张伟"
    assert fold("ＡＬＩＣＥ") == "alice"
    assert pinyin_key("张伟") == pinyin_key("章伟") == "zhangwei"
    for name in (
        "北京某某科技有限公司",
        "北京某某科技有限责任公司",
        "某某科技（北京）有限公司",
        "北京市某某科技股份有限公司",
    ):
        assert organization_parts(name) == ("某某科技", "北京")
    assert organization_parts("上海某某科技有限公司") == ("某某科技", "上海")


def test_a_swapped_birth_date_exists_only_when_the_day_can_be_a_month():
    assert swapped(date(1990, 3, 7)) == date(1990, 7, 3)
    assert swapped(date(1990, 3, 25)) is None
    assert swapped(date(1990, 5, 5)) is None


@pytest.mark.django_db
def test_find_duplicates_prints_one_json_object_last_and_stores_the_pairs(clerk, other_clerk):
    a = person(clerk, "刘洋", date(1990, 3, 7))
    b = person(other_clerk, "劉洋", date(1990, 7, 3))
    out = StringIO()
    call_command("find_duplicates", "--json", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert last == {"pairs": [{"a": a.archive_no, "b": b.archive_no, "rules": ["name_birth_swapped"], "score": 0.75}]}
    assert list(DuplicatePair.objects.values_list("first_id", "second_id")) == [(a.pk, b.pk)]


def _bulk_population(owner, size: int, start: int) -> None:
    """`size` plain individuals written in bulk (the sweep reads only stored
    columns), common names among them, and one planted twin in every fifty."""
    names = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"]
    rows = []
    for i in range(start, start + size):
        twin = i % 50 == 0 and i > start
        seed = i - 1 if twin else i
        c = Customer(
            archive_no=f"KH2099{i:06d}",
            kind="individual",
            name=f"{names[seed % len(names)]}{seed // len(names) % 7 or ''}",
            birth_date=date(1950, 1, 1) + (date(1950, 1, 2) - date(1950, 1, 1)) * (seed * 7919 % 20000),
            mobile=f"+86135{seed:08d}",
            owner=owner,
            department_id=owner.department_id,
            entered_by=owner,
            status="approved",
        )
        fill = c.normalize
        fill()
        rows.append(c)
    Customer.objects.bulk_create(rows, batch_size=1000)


@pytest.mark.django_db
def test_the_sweep_runs_the_same_queries_and_about_ten_times_the_time_at_ten_times_the_rows(
    clerk, django_assert_max_num_queries
):
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measured() -> tuple[int, float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = find_duplicate_pairs()
            elapsed = time.perf_counter() - started
        return len(queries), elapsed, len(result.pairs)

    _bulk_population(clerk, 500, 1)
    small_queries, small_time, small_pairs = measured()
    _bulk_population(clerk, 4500, 501)
    large_queries, large_time, large_pairs = measured()
    assert small_queries == large_queries <= 10
    assert 9 <= large_pairs / small_pairs <= 11  # one planted twin in every fifty rows, and nothing else
    # Blocking, not all pairs: ten times the rows cost about ten times the time
    # (all pairs would be a hundred); the bound leaves room for a loaded machine.
    assert large_time < 25 * max(small_time, 0.01)


@pytest.mark.django_db
def test_fill_keys_restores_the_keys_of_rows_written_without_them(clerk):
    customer = person(clerk, "張偉", date(1988, 4, 9), address="望京街10号")
    customer.refresh_from_db()
    keys = (customer.match_name, customer.match_pinyin, customer.match_address)
    Customer.objects.filter(pk=customer.pk).update(match_name="", match_pinyin="", match_address="")
    call_command("find_duplicates", "--fill-keys", "--no-store", stdout=StringIO(), stderr=StringIO())
    customer.refresh_from_db()
    assert (customer.match_name, customer.match_pinyin, customer.match_address) == keys
