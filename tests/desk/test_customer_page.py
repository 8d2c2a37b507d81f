"""The one-screen customer page is the desk's (it composes customers,
transactions and interactions) and keeps its address and name."""

from __future__ import annotations

from django.urls import resolve, reverse

from desk import views


def test_the_customer_page_keeps_its_address_and_name_and_is_served_by_the_desk():
    assert reverse("customers:detail", args=[7]) == "/customers/7/"
    assert resolve("/customers/7/").func is views.customer_detail
    assert resolve("/customers/7/edit/").view_name == "customers:update"


def test_the_approved_customers_page_offers_its_maker_the_business_buttons(client, clerk, approved_customer):
    client.force_login(clerk)
    page = client.get(reverse("customers:detail", args=[approved_customer.pk]))
    assert page.status_code == 200
    assert page.context["may"]["enter"] and page.context["may"]["log"]
    assert f"{reverse('transactions:create')}?customer={approved_customer.pk}" in page.content.decode()


def test_a_draft_offers_no_business_to_record(client, clerk, customer):
    client.force_login(clerk)
    page = client.get(reverse("customers:detail", args=[customer.pk]))
    may = page.context["may"]
    assert not (may["enter"] or may["log"] or may["complain"] or may["survey"])
    assert f"{reverse('transactions:create')}?customer={customer.pk}" not in page.content.decode()


def test_another_clerk_gets_the_same_404_as_for_a_missing_customer(client, other_clerk, customer):
    client.force_login(other_clerk)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[customer.pk + 1000])).status_code == 404
