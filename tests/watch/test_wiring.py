"""The watch is reached from the pages the security officer uses: the top bar and my work."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_security_officer_reaches_the_watch_from_the_bar_and_my_work_and_a_clerk_does_not(
    client, security_officer, clerk
):
    client.force_login(security_officer)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("watch:alerts")}"' in home
    assert 'data-testid="my-work-watch-alerts"' in home
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert reverse("watch:alerts") not in home and 'data-testid="my-work-watch-alerts"' not in home
