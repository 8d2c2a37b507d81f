"""Outreach on each person's "my work" (issue 20 items 3-4, wired in desk/)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.outreach.test_greetings import _birthday_soon


@pytest.mark.django_db
def test_the_owner_sees_a_birthday_due_on_my_work_and_greets_from_there(make_approved, clerk, other_clerk, client):
    customer, day = _birthday_soon(make_approved)
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-work-greetings"' in page and customer.archive_no in page
    client.post(
        reverse("outreach:greeting_send"),
        {"customer": customer.pk, "occasion": "birthday", "on": day.isoformat(), "channel": "phone", "next": "home"},
    )
    assert 'data-testid="my-work-greetings"' not in client.get(reverse("home")).content.decode()  # its only item
    # Another clerk of the department owns nothing here: no greeting panel at all.
    client.force_login(other_clerk)
    assert 'data-testid="my-work-greetings"' not in client.get(reverse("home")).content.decode()
