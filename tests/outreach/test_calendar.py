"""The lunar holidays against known dates, and 29 February birthdays.

The expected dates are those of the State Council's yearly holiday notices
(国务院办公厅关于2025年/2026年部分节假日安排的通知) and of the Hong Kong
Observatory's Gregorian–lunar conversion tables for 2027, checked against the
library by hand (lunar-python 1.4.8)."""

from __future__ import annotations

from datetime import date

import pytest
from lunar_python import Lunar

from outreach.calendar import Occasion, anniversary_in, holidays_between, holidays_on, month_days_between

KNOWN = [
    (Occasion.SPRING_FESTIVAL, date(2025, 1, 29)),
    (Occasion.SPRING_FESTIVAL, date(2026, 2, 17)),
    (Occasion.SPRING_FESTIVAL, date(2027, 2, 6)),
    (Occasion.LANTERN, date(2025, 2, 12)),
    (Occasion.LANTERN, date(2026, 3, 3)),
    (Occasion.LANTERN, date(2027, 2, 20)),
    (Occasion.DRAGON_BOAT, date(2025, 5, 31)),
    (Occasion.DRAGON_BOAT, date(2026, 6, 19)),
    (Occasion.DRAGON_BOAT, date(2027, 6, 9)),
    (Occasion.MID_AUTUMN, date(2025, 10, 6)),
    (Occasion.MID_AUTUMN, date(2026, 9, 25)),
    (Occasion.MID_AUTUMN, date(2027, 9, 15)),
]


@pytest.mark.parametrize(("occasion", "day"), KNOWN, ids=lambda v: str(v))
def test_each_lunar_holiday_falls_on_its_known_day(occasion, day):
    assert holidays_on(day) == [occasion]


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_a_year_has_each_holiday_exactly_once_and_on_the_expected_days(year):
    found = holidays_between(date(year, 1, 1), date(year, 12, 31))
    expected = {(o, d) for o, d in KNOWN if d.year == year}
    expected |= {(Occasion.NEW_YEAR, date(year, 1, 1)), (Occasion.NATIONAL_DAY, date(year, 10, 1))}
    assert {(h.occasion, h.on) for h in found} == expected
    assert len(found) == 6


def test_a_leap_month_does_not_repeat_a_festival():
    # 2025 has a leap sixth month; 2028 a leap fifth month (闰五月): the Dragon Boat
    # festival falls on the fifth day of the ordinary fifth month only.
    dragon_boat = Lunar.fromYmd(2028, 5, 5).getSolar()
    found = [h for h in holidays_between(date(2028, 1, 1), date(2028, 12, 31)) if h.occasion == Occasion.DRAGON_BOAT]
    assert [h.on for h in found] == [date(dragon_boat.getYear(), dragon_boat.getMonth(), dragon_boat.getDay())]


def test_a_29_february_birthday_is_kept_on_28_february_in_a_common_year():
    assert anniversary_in(2027, date(2000, 2, 29)) == date(2027, 2, 28)
    assert anniversary_in(2028, date(2000, 2, 29)) == date(2028, 2, 29)
    assert month_days_between(date(2027, 2, 27), date(2027, 3, 1))[(2, 29)] == date(2027, 2, 28)
    assert month_days_between(date(2028, 2, 27), date(2028, 3, 1))[(2, 29)] == date(2028, 2, 29)


def test_the_window_takes_new_year_and_national_day_from_the_solar_calendar():
    assert holidays_on(date(2026, 10, 1)) == [Occasion.NATIONAL_DAY]
    assert holidays_on(date(2026, 1, 1)) == [Occasion.NEW_YEAR]
    assert holidays_on(date(2026, 10, 2)) == []
