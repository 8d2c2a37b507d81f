"""What occasions fall on which days: the customer's own (a birthday, a founding
anniversary) and the holidays everyone here keeps, four of them by the lunar
calendar (lunar-python, a maintained port of the 6tail calendar tables)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _
from lunar_python import Solar


class Occasion(models.TextChoices):
    BIRTHDAY = "birthday", _("Birthday")
    ANNIVERSARY = "anniversary", _("Founding anniversary")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    LANTERN = "lantern", _("Lantern Festival")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival")
    NATIONAL_DAY = "national_day", _("National Day")
    NEW_YEAR = "new_year", _("New Year's Day")


PERSONAL = (Occasion.BIRTHDAY, Occasion.ANNIVERSARY)

# (lunar month, lunar day): a leap month never counts (lunar-python gives it a
# negative month number), so each festival falls once a year.
LUNAR_HOLIDAYS = {
    (1, 1): Occasion.SPRING_FESTIVAL,
    (1, 15): Occasion.LANTERN,
    (5, 5): Occasion.DRAGON_BOAT,
    (8, 15): Occasion.MID_AUTUMN,
}
SOLAR_HOLIDAYS = {(1, 1): Occasion.NEW_YEAR, (10, 1): Occasion.NATIONAL_DAY}


@dataclass(frozen=True)
class Holiday:
    occasion: str
    on: date


def holidays_on(day: date) -> list[str]:
    """The holidays that fall on `day` (New Year and Spring Festival never coincide)."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    found = [LUNAR_HOLIDAYS.get((lunar.getMonth(), lunar.getDay()))]
    found.append(SOLAR_HOLIDAYS.get((day.month, day.day)))
    return [occasion for occasion in found if occasion]


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def holidays_between(start: date, end: date) -> list[Holiday]:
    """Every holiday from `start` to `end`, both included, in date order."""
    return [Holiday(occasion, day) for day in days_between(start, end) for occasion in holidays_on(day)]


def anniversary_in(year: int, born: date) -> date:
    """The day a date of birth (or founding) comes round in `year`: 29 February
    is kept on 28 February in a common year."""
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def month_days_between(start: date, end: date) -> dict[tuple[int, int], date]:
    """(month, day) of a date of birth → the day it is celebrated, for every day
    from `start` to `end`: 28 February of a common year also stands for 29 February."""
    found: dict[tuple[int, int], date] = {}
    for day in days_between(start, end):
        found[(day.month, day.day)] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            found[(2, 29)] = day
    return found
