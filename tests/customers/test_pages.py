"""The customer pages: entry form, list, record page, submit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Customer, Status
from tests.factories import CustomerFactory, make_bank_account, make_resident_id

GOOD_FORM = {
    "kind": "individual",
    "name": "张三",
    "id_type": "resident_id",
    "tier": "general",
    "lifecycle_stage": "prospect",
    "credit_status": "unknown",
    "mobile": "138 1234 5678",
    "email": "zhang@example.com",
    "consent_purpose": "开户",
    "consent_at": "2026-01-02T10:00",
    "retention_until": "2031-01-02",
    "postal_code": "100020",
    "occupation": "教师",
}


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.mark.django_db
def test_an_invalid_submission_shows_the_error_beside_the_field_and_keeps_every_typed_value(clerk_client):
    number = make_resident_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    data = {**GOOD_FORM, "id_number": wrong, "bank_account": make_bank_account(3), "address": "建国路88号"}
    response = clerk_client.post(reverse("customers:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-id_number"' in html
    assert response.context["form"].errors.keys() == {"id_number"}
    # Everything typed is still there, the wrong ID included, so the clerk corrects it.
    for value in (wrong, "建国路88号", "138 1234 5678", "zhang@example.com", "教师", make_bank_account(3)):
        assert value in html
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_a_valid_submission_saves_a_draft_and_shows_the_summary_masked(clerk_client, clerk):
    number = make_resident_id()
    response = clerk_client.post(reverse("customers:create"), {**GOOD_FORM, "id_number": number}, follow=True)
    customer = Customer.objects.get()
    assert response.redirect_chain[-1][0] == reverse("customers:confirm", args=[customer.pk])
    assert customer.status == Status.DRAFT
    assert customer.entered_by == clerk and customer.owner == clerk
    html = response.content.decode()
    assert number not in html
    assert f"{number[:3]}{'*' * 11}{number[-4:]}" in html
    assert customer.archive_no in html


@pytest.mark.django_db
def test_the_chinese_form_says_what_is_wrong_in_chinese(clerk_client):
    response = clerk_client.post(reverse("customers:create"), {**GOOD_FORM, "name": "", "mobile": "12"})
    html = response.content.decode()
    assert response.context["form"].errors.keys() >= {"name", "mobile"}
    assert "这个字段是必填项" in html  # Django's own "This field is required." in zh-hans


@pytest.mark.django_db
def test_fields_of_the_other_kind_are_ignored_when_hidden(clerk_client):
    data = {**GOOD_FORM, "id_number": make_resident_id(), "industry": "C", "contact_person": "某人"}
    clerk_client.post(reverse("customers:create"), data)
    customer = Customer.objects.get()
    assert customer.industry == "" and customer.contact_person == ""


@pytest.mark.django_db
def test_editing_a_draft_never_sends_the_stored_id_back_and_empty_keeps_it(clerk_client, clerk):
    customer = CustomerFactory(actor=clerk)
    number = Customer.objects.get(pk=customer.pk).id_number
    page = clerk_client.get(reverse("customers:update", args=[customer.pk])).content.decode()
    assert number not in page
    data = {**GOOD_FORM, "id_number": "", "name": "张三改", "birth_date": customer.birth_date.isoformat()}
    response = clerk_client.post(reverse("customers:update", args=[customer.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    customer.refresh_from_db()
    assert customer.name == "张三改"
    assert customer.id_number == number


@pytest.mark.django_db
def test_the_maker_submits_a_draft_for_review(clerk_client, clerk):
    customer = CustomerFactory(actor=clerk)
    clerk_client.post(reverse("customers:submit", args=[customer.pk]))
    customer.refresh_from_db()
    assert customer.status == Status.PENDING
    assert customer.entered_at is not None


@pytest.mark.django_db
def test_a_clerk_cannot_open_or_find_another_clerks_record(client, clerk, other_clerk):
    theirs = CustomerFactory(actor=other_clerk, name="别人的客户")
    client.force_login(clerk)
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("customers:submit", args=[theirs.pk])).status_code == 404
    assert "别人的客户" not in client.get(reverse("customers:list")).content.decode()
    assert client.get(reverse("customers:detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (reverse("home"), reverse("customers:list"), reverse("customers:create")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_the_list_searches_by_name_archive_number_mobile_and_exact_id(clerk_client, clerk):
    target = CustomerFactory(actor=clerk, name="欧阳娜娜", mobile="+8613900001111")
    CustomerFactory(actor=clerk, name="司马光")
    number = Customer.objects.get(pk=target.pk).id_number
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    for query in ("欧阳", target.archive_no, "139 0000 1111"):
        rows = clerk_client.get(reverse("customers:list"), {"q": query}).context["rows"]
        assert [row.customer.pk for row in rows] == [target.pk], query
    # An ID number is looked up only from the search box's POST (tests/customers/test_lookups.py).
    rows = clerk_client.post(reverse("customers:list"), {"q": spaced}).context["rows"]
    assert [row.customer.pk for row in rows] == [target.pk]


@pytest.mark.django_db
def test_the_list_and_record_pages_keep_a_fixed_number_of_queries(clerk_client, clerk, django_assert_max_num_queries):
    CustomerFactory.create_batch(5, actor=clerk)
    with django_assert_max_num_queries(12) as few:
        clerk_client.get(reverse("customers:list"))
    CustomerFactory.create_batch(55, actor=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = clerk_client.get(reverse("customers:list"))
    assert len(response.context["rows"]) == 50

    customer = Customer.objects.first()
    for n in range(30):
        from customers import services

        services.customer_update(actor=clerk, customer=customer, fields={"name": f"改名{n}"})
    # The record, its trail and decisions, grants, pending change, its business
    # (transactions page and count, totals, orders, contracts), contacts, complaints,
    # surveys and the timeline; the value section's score and amounts (insight): a
    # fixed number, however long the trail.
    with django_assert_max_num_queries(28):
        response = clerk_client.get(reverse("customers:detail", args=[customer.pk]))
    assert len(response.context["trail"]) == 31


@pytest.mark.django_db
def test_the_language_switch_turns_the_pages_english(clerk_client):
    assert "我的工作" in clerk_client.get(reverse("home")).content.decode()
    clerk_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My work" in clerk_client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_managers_list_masks_personal_values_in_a_fixed_number_of_queries(
    client, clerk, manager, django_assert_max_num_queries
):
    CustomerFactory.create_batch(3, actor=clerk)
    client.force_login(manager)
    # Two of them check the manager's own rows outside the department (list, badge);
    # the page loads its keys, then its rows; the review badge counts each reviewed
    # model's queue (entries, changes, merges); one reads the value column (insight).
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("customers:list"))
    CustomerFactory.create_batch(57, actor=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("customers:list"))
    rows = response.context["rows"]
    assert len(rows) == 50
    # The department's manager sees personal (S2) values in full, S3 masked.
    assert rows[0]["mobile"].startswith("+86")
    assert "*" in rows[0]["id_number"]


@pytest.mark.django_db
def test_a_reviewer_sees_personal_values_of_approved_records_masked(client, clerk, reviewer, manager):
    from customers import services

    customer = services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, mobile="+8613911112222"))
    services.customer_approve(actor=reviewer, customer=customer)
    client.force_login(reviewer)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "139****2222" in html
    assert "13911112222" not in html and "139 1111 2222" not in html
