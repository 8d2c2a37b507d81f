"""Pages that cost the same at a million customers as at ten (issue 15): scopes an
index can serve, bounded counts and pages, fixed query counts as rows grow."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.pagination import CappedPaginator, page_number
from customers import services
from customers.models import Customer, CustomerUserObjectPermission
from customers.selectors import customers_visible_to
from desk.context_processors import badge
from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from transactions.selectors import transactions_visible_to


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 1), ("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("2.5", 1), ("٣", 1), ("7", 7), (" 7 ", 7)],
)
def test_a_page_number_is_one_unless_it_is_a_plain_positive_integer(value, expected):
    assert page_number(value) == expected


def test_a_page_number_never_passes_the_last_page_within_the_cap():
    assert page_number("200", size=50, cap=10_000) == 200
    assert page_number("201", size=50, cap=10_000) == 200
    assert page_number(str(10**20), size=50, cap=10_000) == 200
    assert page_number("9" * 500, size=20, cap=10_000) == 500


@pytest.mark.django_db
def test_a_capped_paginator_counts_up_to_its_cap_and_opens_only_the_pages_within_it(clerk):
    for _ in range(7):
        CustomerFactory(actor=clerk)
    paginator = CappedPaginator(Customer.objects.order_by("-created_at", "-id"), 2)
    paginator.cap = 5
    assert paginator.count == 6 and paginator.capped
    assert paginator.num_pages == 2
    assert paginator.get_page(str(10**20)).number == 2
    assert paginator.get_page("junk").number == 1
    whole = CappedPaginator(Customer.objects.order_by("-created_at", "-id"), 2)
    assert whole.count == 7 and not whole.capped and whole.num_pages == 4


def test_a_badge_shows_99_plus_beyond_99():
    assert badge(0) == 0
    assert badge(99) == 99
    assert badge(100) == "99+"


@pytest.mark.django_db
def test_a_managers_scope_is_a_department_filter_without_the_permission_table(manager, clerk):
    CustomerFactory(actor=clerk)
    sql = str(customers_visible_to(manager).query)
    assert "objectpermission" not in sql.lower()
    assert "department_id" in sql
    assert "objectpermission" not in str(transactions_visible_to(manager).query).lower()


@pytest.mark.django_db
def test_a_clerks_scope_is_what_they_made_or_own_read_from_the_customers_columns(clerk, other_clerk, manager):
    mine = CustomerFactory(actor=clerk)
    given = CustomerFactory(actor=other_clerk)
    assert list(customers_visible_to(clerk)) == [mine]
    given = services.customer_submit(actor=other_clerk, customer=given)
    services.customer_reassign_owner(actor=manager, customer=given, new_owner=clerk)
    assert set(customers_visible_to(clerk)) == {mine, given}
    services.customer_reassign_owner(actor=manager, customer=given, new_owner=manager)
    assert list(customers_visible_to(clerk)) == [mine]
    sql = str(customers_visible_to(clerk).query).lower()
    assert "objectpermission" not in sql and "entered_by_id" in sql and "owner_id" in sql


@pytest.mark.django_db
def test_a_clerk_moved_away_and_back_does_not_see_again_what_the_move_ended(clerk, department, other_department):
    from accounts import services as account_services

    before = CustomerFactory(actor=clerk)
    account_services.user_move_department(actor=None, user=clerk, department=other_department)
    account_services.user_move_department(actor=None, user=clerk, department=department)
    clerk = type(clerk).objects.get(pk=clerk.pk)
    after = CustomerFactory(actor=clerk)
    # They made both; only the new one still carries a permission row, and that decides.
    assert list(customers_visible_to(clerk)) == [after]
    assert before.entered_by_id == clerk.pk
    assert "objectpermission" in str(customers_visible_to(clerk).query).lower()
    assert not CustomerUserObjectPermission.objects.filter(user=clerk, content_object=before).exists()
    assert not transactions_visible_to(clerk).filter(customer=before).exists()


@pytest.mark.django_db
def test_a_reviewer_who_also_enters_still_sees_their_own_draft_which_the_department_scope_does_not_cover(
    reviewer, clerk
):
    reviewer.groups.add(Group.objects.get(name="clerk"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # fresh role caches
    theirs = CustomerFactory(actor=reviewer)
    someone_elses_draft = CustomerFactory(actor=clerk)
    visible = set(customers_visible_to(reviewer))
    assert theirs in visible and someone_elses_draft not in visible
    sql = str(customers_visible_to(reviewer).query)
    assert str(theirs.pk) in sql  # named by pk beside the department filter, not a subquery


@pytest.mark.django_db
def test_a_manager_moved_to_another_department_sees_none_of_the_former_ones_customers(department, clerk):
    """Their rights on the old department's records end with the move (accounts.services),
    so the scope is the new department's foreign-key filter alone."""
    mover = UserFactory(username="mover", department=department)
    mover.groups.add(Group.objects.get(name="clerk"))
    entered = CustomerFactory(actor=mover)
    services.customer_submit(actor=mover, customer=entered)
    elsewhere = DepartmentFactory(code="elsewhere")
    mover.department = elsewhere
    mover.save()
    mover.groups.set([Group.objects.get(name="manager")])
    mover = type(mover).objects.get(pk=mover.pk)  # fresh role caches
    visible = set(customers_visible_to(mover))
    assert entered not in visible and not visible & set(Customer.objects.filter(department=department))
    assert "objectpermission" not in str(customers_visible_to(mover).query).lower()


@pytest.mark.django_db
def test_my_work_keeps_a_fixed_query_count_as_entries_grow(client, clerk, django_assert_max_num_queries):
    for _ in range(3):
        services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    CustomerFactory(actor=clerk)
    client.force_login(clerk)
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse("home")).status_code == 200
    for _ in range(30):
        services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
        CustomerFactory(actor=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "manager", "reviewer"])
def test_deep_and_junk_pages_of_the_list_cost_what_the_first_page_costs(
    client, request, clerk, persona, django_assert_max_num_queries
):
    viewer = request.getfixturevalue(persona)
    for _ in range(60):
        services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    client.force_login(viewer)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("customers:list"))
    for page in ("2", str(10**20), "junk"):
        with django_assert_max_num_queries(len(first.captured_queries)):
            response = client.get(reverse("customers:list"), {"page": page})
        assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "manager"])
def test_the_transactions_list_keeps_a_fixed_query_count_as_transactions_grow(
    client, request, clerk, reviewer, persona
):
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from transactions import services as txn_services

    customer = services.customer_approve(
        actor=reviewer, customer=services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )

    def add(count):
        for _ in range(count):
            values = {"kind": "purchase", "occurred_at": timezone.now(), "amount": Decimal("10.00")}
            txn = txn_services.transaction_create(actor=clerk, customer=customer, fields=values)
            txn_services.transaction_approve(actor=reviewer, txn=txn_services.transaction_submit(actor=clerk, txn=txn))

    add(2)
    client.force_login(request.getfixturevalue(persona))
    client.get(reverse("transactions:list"))  # per-process caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("transactions:list")).status_code == 200
    add(25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("transactions:list"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 27
    assert len(many) == len(few)
