"""The record's life is reached from the pages people already use: the menu
names each role's lifecycle pages, and the customer page offers what the viewer
may start on that record (lifecycle.rights decides both)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BUTTONS = ("life-reverify", "life-request", "life-archive", "life-hold", "life-destroy")


def _buttons(client, user, customer) -> set[str]:
    client.force_login(user)
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    return {name for name in BUTTONS if f'data-testid="{name}"' in body}


def test_the_maker_may_confirm_contacts_record_a_request_and_ask_to_archive(client, clerk, approved_customer):
    assert _buttons(client, clerk, approved_customer) == {"life-reverify", "life-request", "life-archive"}


def test_the_manager_also_places_holds_and_requests_destruction(client, manager, approved_customer):
    assert _buttons(client, manager, approved_customer) == set(BUTTONS)


def test_the_reviewer_starts_nothing_of_the_records_life(client, reviewer, approved_customer):
    assert _buttons(client, reviewer, approved_customer) == set()


def test_the_buttons_open_their_forms(client, manager, approved_customer):
    client.force_login(manager)
    for name in ("reverify_confirm", "subject_request_create", "archive_request", "hold_create", "destruction_request"):
        assert client.get(reverse(f"lifecycle:{name}", args=[approved_customer.pk])).status_code == 200, name


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("clerk", {"reverify", "subject_requests"}),
        ("reviewer", {"samples"}),
        ("manager", {"reverify", "subject_requests", "queue"}),
        ("security_officer", {"queue"}),
    ],
)
def test_the_menu_names_each_roles_lifecycle_pages(client, request, persona, links):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("home")).content.decode()
    menu = body[body.index("<nav") : body.index("</nav>")]
    shown = {
        name for name in ("reverify", "samples", "subject_requests", "queue") if reverse(f"lifecycle:{name}") in menu
    }
    assert shown == links


def test_my_work_lists_a_clerks_due_reverification_and_a_managers_passed_retention(
    client, clerk, manager, approved_customer
):
    from datetime import timedelta

    from django.utils import timezone

    from customers.models import Customer

    Customer.objects.filter(pk=approved_customer.pk).update(
        contact_verified_at=timezone.now() - timedelta(days=400),
        retention_until=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-work-reverify"' in page
    assert reverse("lifecycle:reverify_confirm", args=[approved_customer.pk]) in page
    assert 'data-testid="my-work-retention"' not in page  # asking to destroy is a manager's

    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-work-retention"' in page
    assert reverse("lifecycle:destruction_request", args=[approved_customer.pk]) in page


def test_my_work_shows_no_lifecycle_panel_when_nothing_waits(client, clerk, approved_customer):
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-work-reverify"' not in page
    assert 'data-testid="my-work-subject-requests"' not in page
