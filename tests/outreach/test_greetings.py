"""Greetings (issue 20 item 3): what appears on the owner's list, when, for whom,
and the one click that logs the contact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction, InteractionKind
from outreach import selectors, services
from outreach.calendar import Occasion
from outreach.models import GreetingSent

BEFORE_MID_AUTUMN = date(2026, 9, 20)  # the window runs to 27 September; 中秋 is on the 25th


def _items(user, today):
    return [
        (g.occasion, g.on, g.customer_id)
        for g in selectors.as_greetings(selectors.greetings_due(user=user, today=today))
    ]


@pytest.mark.django_db
def test_birthdays_anniversaries_and_holidays_within_the_window_appear_for_the_owner_soonest_first(
    make_approved, clerk, other_clerk, settings
):
    settings.CRM_GREETING_DAYS_AHEAD = 7
    soon = make_approved(born=date(1990, 9, 22))
    later = make_approved(born=date(1990, 10, 15))
    firm = make_approved(founded=date(2010, 9, 24))

    assert _items(clerk, BEFORE_MID_AUTUMN) == [
        (Occasion.BIRTHDAY, date(2026, 9, 22), soon.pk),
        (Occasion.ANNIVERSARY, date(2026, 9, 24), firm.pk),
        (Occasion.MID_AUTUMN, date(2026, 9, 25), soon.pk),
        (Occasion.MID_AUTUMN, date(2026, 9, 25), later.pk),
        (Occasion.MID_AUTUMN, date(2026, 9, 25), firm.pk),
    ]
    assert _items(other_clerk, BEFORE_MID_AUTUMN) == []  # greetings are the owner's


@pytest.mark.django_db
def test_the_number_of_days_ahead_is_a_setting(make_approved, clerk, settings):
    customer = make_approved(born=date(1990, 9, 22))
    settings.CRM_GREETING_DAYS_AHEAD = 1
    assert _items(clerk, BEFORE_MID_AUTUMN) == []
    settings.CRM_GREETING_DAYS_AHEAD = 2
    assert _items(clerk, BEFORE_MID_AUTUMN) == [(Occasion.BIRTHDAY, date(2026, 9, 22), customer.pk)]


@pytest.mark.django_db
def test_a_29_february_birthday_appears_on_28_february_in_a_common_year(make_approved, clerk, settings):
    settings.CRM_GREETING_DAYS_AHEAD = 7
    leapling = make_approved(born=date(2000, 2, 29))
    assert _items(clerk, date(2027, 2, 25)) == [(Occasion.BIRTHDAY, date(2027, 2, 28), leapling.pk)]
    assert _items(clerk, date(2028, 2, 25)) == [(Occasion.BIRTHDAY, date(2028, 2, 29), leapling.pk)]


@pytest.mark.django_db
def test_greetings_skip_customers_who_withdrew_consent(make_approved, withdraw, clerk, settings):
    settings.CRM_GREETING_DAYS_AHEAD = 7
    stays = make_approved(born=date(1990, 9, 22))
    leaves = make_approved(born=date(1990, 9, 23))
    withdraw(leaves)

    assert {customer for *_, customer in _items(clerk, BEFORE_MID_AUTUMN)} == {stays.pk}


@pytest.mark.django_db
def test_a_customer_who_withdrew_consent_cannot_be_greeted_even_by_a_forged_post(make_approved, withdraw, clerk):
    day = timezone.localdate() + timedelta(days=2)
    customer = make_approved(born=date(1990, day.month, min(day.day, 28)))
    withdraw(customer)
    with pytest.raises(ValidationError):
        services.greeting_send(
            actor=clerk,
            customer=customer,
            occasion=Occasion.BIRTHDAY,
            on=customer.birth_date.replace(year=day.year),
            channel="sms",
        )
    assert not Interaction.objects.filter(customer=customer, kind=InteractionKind.GREETING).exists()


def _birthday_soon(make_approved):
    day = timezone.localdate() + timedelta(days=3)
    born = date(1990, day.month, day.day) if (day.month, day.day) != (2, 29) else date(1992, 2, 29)
    return make_approved(born=born), day


@pytest.mark.django_db
def test_one_click_logs_a_greeting_contact_and_the_item_disappears(make_approved, clerk, client):
    customer, day = _birthday_soon(make_approved)
    client.force_login(clerk)
    post = {"customer": customer.pk, "occasion": "birthday", "on": day.isoformat(), "channel": "wechat"}

    page = client.get(reverse("outreach:greetings"))
    assert customer.archive_no in page.content.decode()
    response = client.post(reverse("outreach:greeting_send"), post)

    assert response.status_code == 302
    contact = Interaction.objects.get(customer=customer, kind=InteractionKind.GREETING)
    assert (contact.handler, contact.channel, contact.direction) == (clerk, "wechat", "outbound")
    assert contact.history.first().history_user == clerk  # in the change trail
    assert GreetingSent.objects.get(customer=customer).interaction == contact
    assert (Occasion.BIRTHDAY, day, customer.pk) not in _items(clerk, timezone.localdate())
    # A second click (another tab) logs nothing more.
    client.post(reverse("outreach:greeting_send"), post)
    assert Interaction.objects.filter(customer=customer, kind=InteractionKind.GREETING).count() == 1


@pytest.mark.django_db
def test_a_greeting_that_is_not_due_or_not_yours_is_refused(make_approved, clerk, other_clerk, client):
    customer, day = _birthday_soon(make_approved)
    wrong_day = {"customer": customer.pk, "occasion": "birthday", "on": (day + timedelta(days=1)).isoformat()}
    client.force_login(clerk)
    client.post(reverse("outreach:greeting_send"), {**wrong_day, "channel": "sms"})
    assert not Interaction.objects.filter(customer=customer).exists()

    client.force_login(other_clerk)
    response = client.post(
        reverse("outreach:greeting_send"),
        {"customer": customer.pk, "occasion": "birthday", "on": day.isoformat(), "channel": "sms"},
    )
    assert response.status_code == 404
    assert not Interaction.objects.filter(customer=customer).exists()


@pytest.mark.django_db
def test_the_greetings_page_costs_the_same_queries_at_three_and_at_nine_customers(
    make_approved, clerk, client, django_assert_num_queries
):
    client.force_login(clerk)
    for _n in range(3):
        make_approved(born=(timezone.localdate() + timedelta(days=1)).replace(year=1992))
    client.get(reverse("outreach:greetings"))  # warm the session and the role caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        client.get(reverse("outreach:greetings"))
    for _n in range(6):
        make_approved(born=(timezone.localdate() + timedelta(days=2)).replace(year=1992))
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get(reverse("outreach:greetings"))
    assert page.content.decode().count('data-testid="greet"') >= 9


@pytest.mark.django_db
def test_my_work_lists_the_greetings_due_with_a_bounded_count(make_approved, clerk, django_assert_max_num_queries):
    customer, day = _birthday_soon(make_approved)
    with django_assert_max_num_queries(6):
        work = selectors.my_work(user=clerk)
    assert (customer.pk, Occasion.BIRTHDAY, day) in [(g.customer_id, g.occasion, g.on) for g in work["greetings_due"]]
    assert work["greetings_due_count"] >= 1
