"""Transactions, reversals, orders and contracts (SPEC §3 Transactions, issue 6)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation

from audit.reasons import decode, reason_text
from review.models import ReviewDecision
from tests.factories import CustomerFactory, UserFactory
from transactions import services
from transactions.models import ORDER_MOVES, Order, OrderStatus, Product, Status, Transaction

YESTERDAY = timezone.now() - timedelta(days=1)


def _entered(clerk, customer, **fields) -> Transaction:
    values = {"kind": "purchase", "occurred_at": YESTERDAY, "amount": Decimal("100.00"), **fields}
    return services.transaction_create(actor=clerk, customer=customer, fields=values)


def _approved(clerk, reviewer, customer, **fields) -> Transaction:
    txn = services.transaction_submit(actor=clerk, txn=_entered(clerk, customer, **fields))
    return services.transaction_approve(actor=reviewer, txn=txn)


def _form(customer, **overrides) -> dict:
    return {
        "kind": "purchase",
        "occurred_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "amount": "1280.50",
        "currency": "CNY",
        "payment_method": "wechat_pay",
        **overrides,
    }


# Amounts -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "大于零"),
        ("-5", "大于零"),
        ("12.345", "两位小数"),
        ("abc", "数字"),
        ("1e400", "太大"),
        ("9" * 200, "太大"),
        ("99999999999999.99", "太大"),
        ("", "必填"),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(client, clerk, approved_customer, typed, message):
    client.force_login(clerk)
    url = reverse("transactions:create") + f"?customer={approved_customer.pk}"
    response = client.post(url, _form(approved_customer, amount=typed, note="保留我"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("amount", []))
    assert message in errors, errors
    assert 'value="保留我"' in response.content.decode()  # nothing typed is lost
    assert not Transaction.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "stored"), [("1,280.50", "1280.50"), ("¥ 99", "99.00"), ("１２３．４", "123.40")])
def test_amounts_typed_in_common_spellings_are_read(client, clerk, approved_customer, typed, stored):
    client.force_login(clerk)
    url = reverse("transactions:create") + f"?customer={approved_customer.pk}"
    response = client.post(url, _form(approved_customer, amount=typed))
    txn = Transaction.objects.get()
    assert response.url == reverse("transactions:confirm", args=[txn.pk])
    assert txn.amount == Decimal(stored) and txn.status == Status.DRAFT


@pytest.mark.django_db
def test_the_model_refuses_bad_values_whatever_the_way_in(clerk, approved_customer):
    for fields, field in [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"occurred_at": timezone.now() + timedelta(hours=1)}, "occurred_at"),
        ({"kind": "return"}, "original"),
    ]:
        with pytest.raises(ValidationError) as caught:
            _entered(clerk, approved_customer, **fields)
        assert field in caught.value.message_dict, (fields, caught.value.message_dict)


@pytest.mark.django_db
def test_the_database_refuses_an_amount_not_above_zero(clerk, approved_customer):
    txn = _entered(clerk, approved_customer)
    for amount in (Decimal("0"), Decimal("-0.01")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Transaction.objects.filter(pk=txn.pk).update(amount=amount)


@pytest.mark.django_db
def test_business_is_recorded_only_for_approved_customers(clerk):
    draft = CustomerFactory(actor=clerk)
    with pytest.raises(ValidationError):
        _entered(clerk, draft)


# Review -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transaction_goes_through_the_same_review(clerk, reviewer, approved_customer):
    txn = services.transaction_submit(actor=clerk, txn=_entered(clerk, approved_customer))
    assert txn.status == Status.PENDING
    with pytest.raises(PermissionDenied):
        services.transaction_approve(actor=clerk, txn=txn)
    services.transaction_return(actor=reviewer, txn=txn, field_reasons={"amount": "凭证金额为 110.00"})
    txn = services.transaction_update(actor=clerk, txn=txn, fields={"amount": Decimal("110.00")})
    txn = services.transaction_submit(actor=clerk, txn=txn)
    txn = services.transaction_approve(actor=reviewer, txn=txn)
    assert txn.status == Status.APPROVED and txn.reviewed_by == reviewer
    decisions = ReviewDecision.objects.filter(content_type__model="transaction", object_id=txn.pk).order_by("at")
    assert list(decisions.values_list("decision", flat=True)) == ["returned", "approved"]


@pytest.mark.django_db
def test_the_database_refuses_a_transaction_checker_who_is_the_maker(clerk, approved_customer):
    txn = _entered(clerk, approved_customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.filter(pk=txn.pk).update(reviewed_by=clerk)


# Approved is final ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_approved_transaction_cannot_be_changed_by_the_service_or_the_page(
    client, clerk, reviewer, approved_customer
):
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(ValidationError):
        services.transaction_update(actor=clerk, txn=txn, fields={"amount": Decimal("1.00")})
    client.force_login(clerk)
    page = client.get(reverse("transactions:update", args=[txn.pk]))
    assert page.status_code == 302
    forged = client.post(reverse("transactions:update", args=[txn.pk]), _form(approved_customer, amount="1.00"))
    assert forged.status_code == 302
    forged_submit = client.post(reverse("transactions:submit", args=[txn.pk]), follow=True)
    assert "不能再" in forged_submit.content.decode()
    txn.refresh_from_db()
    assert txn.amount == Decimal("100.00") and txn.status == Status.APPROVED


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_a_transaction(client, department, clerk, reviewer, approved_customer):
    from django.contrib.auth.models import Group

    root = UserFactory(username="root", department=department, is_superuser=True, is_staff=True)
    root.groups.add(Group.objects.get(name="manager"))
    txn = _approved(clerk, reviewer, approved_customer)
    client.force_login(root)
    change_url = reverse("admin:transactions_transaction_change", args=[txn.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"amount": "1.00"}).status_code == 403
    assert (
        client.post(reverse("admin:transactions_transaction_delete", args=[txn.pk]), {"post": "yes"}).status_code == 403
    )
    txn.refresh_from_db()
    assert txn.amount == Decimal("100.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("1.00")},
        {"kind": "top_up"},
        {"currency": "USD"},
        {"occurred_at": YESTERDAY - timedelta(days=3)},
    ],
)
def test_the_database_refuses_an_update_of_approved_figures(clerk, reviewer, approved_customer, change):
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=txn.pk).update(**change)
    txn.refresh_from_db()
    assert txn.amount == Decimal("100.00") and txn.kind == "purchase"


@pytest.mark.django_db
def test_the_database_refuses_moving_an_approved_transaction_to_another_customer_or_deleting_it(
    clerk, reviewer, approved_customer
):
    from customers import services as customer_services

    other = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    txn = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=txn.pk).update(customer=other)
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.filter(pk=txn.pk).delete()
    # A draft is still the maker's to change.
    draft = _entered(clerk, approved_customer)
    Transaction.objects.filter(pk=draft.pk).update(amount=Decimal("5.00"))


# Reversals -------------------------------------------------------------------------


@pytest.mark.django_db
def test_reversals_never_exceed_what_is_left(clerk, reviewer, approved_customer):
    purchase = _approved(clerk, reviewer, approved_customer, amount=Decimal("100.00"))
    first = _approved(clerk, reviewer, approved_customer, kind="return", original=purchase, amount=Decimal("60.00"))
    assert services.left_to_reverse(purchase) == Decimal("40.00")
    pending = services.transaction_submit(
        actor=clerk, txn=_entered(clerk, approved_customer, kind="return", original=purchase, amount=Decimal("30.00"))
    )
    assert services.left_to_reverse(purchase) == Decimal("10.00")  # pending reversals hold their share
    with pytest.raises(ValidationError) as caught:
        _entered(clerk, approved_customer, kind="return", original=purchase, amount=Decimal("10.01"))
    assert "10.00" in caught.value.message_dict["amount"][0]
    _entered(clerk, approved_customer, kind="return", original=purchase, amount=Decimal("10.00"))
    assert first.original == purchase and pending.original == purchase
    assert set(purchase.reversals.values_list("pk", flat=True)) >= {first.pk, pending.pk}


@pytest.mark.django_db
def test_what_reverses_what(clerk, reviewer, approved_customer):
    purchase = _approved(clerk, reviewer, approved_customer, kind="purchase")
    top_up = _approved(clerk, reviewer, approved_customer, kind="top_up")
    with pytest.raises(ValidationError, match="original"):
        _entered(clerk, approved_customer, kind="refund", original=purchase)
    with pytest.raises(ValidationError, match="original"):
        _entered(clerk, approved_customer, kind="return", original=top_up)
    with pytest.raises(ValidationError, match="original"):
        _entered(clerk, approved_customer, kind="purchase", original=purchase)
    draft = _entered(clerk, approved_customer, kind="payment")
    with pytest.raises(ValidationError, match="original"):
        _entered(clerk, approved_customer, kind="refund", original=draft)  # only approved entries are reversed
    assert _entered(clerk, approved_customer, kind="refund", original=top_up).original == top_up


@pytest.mark.django_db
def test_a_reversal_belongs_to_the_same_customer(clerk, reviewer, approved_customer):
    from customers import services as customer_services

    other = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    purchase = _approved(clerk, reviewer, approved_customer)
    with pytest.raises(ValidationError, match="original"):
        _entered(clerk, other, kind="return", original=purchase)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reversals_submitted_at_once_cannot_overshoot(clerk, reviewer, manager, department):
    from django.contrib.auth.models import Group

    from customers import services as customer_services

    customer = customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk))
    )
    other_clerk = UserFactory(username="clerk_b", department=department)
    other_clerk.groups.add(Group.objects.get(name="clerk"))
    # The second clerk works for the customer too: a clerk records business only
    # for customers they see (issue 14).
    customer_services.customer_reassign_owner(actor=manager, customer=customer, new_owner=other_clerk)
    purchase = _approved(clerk, reviewer, customer, amount=Decimal("100.00"))
    drafts = {
        user.username: _entered(user, customer, kind="return", original=purchase, amount=Decimal("70.00"))
        for user in (clerk, other_clerk)
    }
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def submit(user) -> None:
        try:
            barrier.wait(timeout=10)
            services.transaction_submit(actor=user, txn=drafts[user.username])
            outcomes[user.username] = "submitted"
        except ValidationError as exc:
            outcomes[user.username] = exc
        except BaseException as exc:
            outcomes[user.username] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(user,)) for user in (clerk, other_clerk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(type(o).__name__) if not isinstance(o, str) else o for o in outcomes.values()) == [
        "ValidationError",
        "submitted",
    ], outcomes
    assert services.left_to_reverse(purchase) == Decimal("30.00")
    assert Transaction.objects.filter(original=purchase, status=Status.PENDING).count() == 1


# Orders and contracts --------------------------------------------------------------

LEGAL = [(start, to) for start, targets in ORDER_MOVES.items() for to in targets]
ILLEGAL = [(start, to) for start in OrderStatus.values for to in OrderStatus.values if to not in ORDER_MOVES[start]]


def _order_in(status: str, clerk, customer) -> Order:
    order = services.order_create(actor=clerk, customer=customer, order_no=f"DD-{status}")
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), LEGAL)
def test_every_legal_order_move_is_made_and_recorded(clerk, approved_customer, start, to):
    order = _order_in(start, clerk, approved_customer)
    moved = services.order_move(actor=clerk, order=order, to=to)
    assert moved.status == to
    record = moved.history.first()
    assert record.history_user == clerk and record.status == to
    assert decode(record.history_change_reason) == {"code": "moved", "old": start, "new": to}
    with translation.override("en"):
        assert reason_text(record.history_change_reason, model=Order) == f"{start.label} → {to.label}"


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_every_illegal_order_move_is_refused_with_a_clear_message(clerk, approved_customer, start, to):
    order = _order_in(start, clerk, approved_customer)
    with pytest.raises(ValidationError) as caught:
        services.order_move(actor=clerk, order=order, to=to)
    assert order.order_no in caught.value.messages[0]
    order.refresh_from_db()
    assert order.status == start


@pytest.mark.django_db
def test_an_unknown_order_status_is_refused_through_the_page(client, clerk, approved_customer):
    order = services.order_create(actor=clerk, customer=approved_customer, order_no="DD-1")
    client.force_login(clerk)
    response = client.post(reverse("transactions:order_move", args=[order.pk]), {"to": "exploded"}, follow=True)
    assert response.status_code == 200 and "不能" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


@pytest.mark.django_db
def test_a_contract_term_and_amount_are_checked(clerk, approved_customer):
    today = timezone.localdate()
    base = {"contract_no": "HT-1", "title": "年度服务", "signed_on": today, "amount": Decimal("5000.00")}
    with pytest.raises(ValidationError) as caught:
        services.contract_create(
            actor=clerk,
            customer=approved_customer,
            fields={**base, "starts_on": today, "ends_on": today - timedelta(days=1), "currency": "CNY"},
        )
    assert "ends_on" in caught.value.message_dict
    contract = services.contract_create(
        actor=clerk,
        customer=approved_customer,
        fields={**base, "starts_on": today, "ends_on": today + timedelta(days=365), "currency": "CNY"},
    )
    assert contract.history.first().history_user == clerk


# The customer page -------------------------------------------------------------------


@pytest.mark.django_db
def test_customer_page_totals_equal_the_approved_amounts_net_of_reversals(client, clerk, reviewer, approved_customer):
    product = Product.objects.create(sku="P-1", name="理财课程", unit_price=Decimal("300.00"))
    purchase = _approved(clerk, reviewer, approved_customer, amount=Decimal("300.00"), product=product, quantity=1)
    _approved(clerk, reviewer, approved_customer, kind="purchase", amount=Decimal("200.00"))
    _approved(clerk, reviewer, approved_customer, kind="return", original=purchase, amount=Decimal("120.00"))
    top_up = _approved(clerk, reviewer, approved_customer, kind="top_up", amount=Decimal("1000.00"))
    _approved(clerk, reviewer, approved_customer, kind="refund", original=top_up, amount=Decimal("0.50"))
    _entered(clerk, approved_customer, amount=Decimal("9999.00"))  # a draft does not count
    services.transaction_submit(actor=clerk, txn=_entered(clerk, approved_customer, amount=Decimal("7777.00")))

    client.force_login(clerk)
    response = client.get(reverse("customers:detail", args=[approved_customer.pk]))
    business = response.context["business"]
    approved = Transaction.objects.filter(customer=approved_customer, status=Status.APPROVED)
    expected = sum((t.signed_amount for t in approved), Decimal("0"))
    assert business.totals.net["CNY"] == expected == Decimal("1379.50")
    kinds = dict(business.totals.by_kind["CNY"])
    assert kinds["购买"] == Decimal("500.00") and kinds["退货"] == Decimal("120.00")
    html = response.content.decode()
    assert "1,379.50" in html, html[html.find('data-testid="totals') :][:800]
    # The newest approved row carries the running net of everything approved.
    newest_approved = next(t for t in business.page.object_list if t.status == Status.APPROVED)
    assert newest_approved.running_net == expected


@pytest.mark.django_db
def test_the_customer_page_keeps_a_fixed_query_count_as_transactions_grow(
    client, clerk, reviewer, approved_customer, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        _approved(clerk, reviewer, approved_customer)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customers:detail", args=[approved_customer.pk]))
    for _ in range(30):
        _approved(clerk, reviewer, approved_customer)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("customers:detail", args=[approved_customer.pk]))
    assert len(many) == len(few)


# Visibility ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transaction_is_visible_to_whoever_may_see_its_customer(
    client, clerk, other_clerk, reviewer, manager, other_department_manager, approved_customer
):
    txn = _approved(clerk, reviewer, approved_customer)
    url = reverse("transactions:detail", args=[txn.pk])
    for user, status in [
        (clerk, 200),
        (manager, 200),
        (reviewer, 200),
        (other_clerk, 404),
        (other_department_manager, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
        listed = client.get(reverse("transactions:list")).content.decode()
        assert (txn.number in listed) == (status == 200), user.username
    client.force_login(other_clerk)
    new = client.get(reverse("transactions:create") + f"?customer={approved_customer.pk}")
    assert new.status_code == 404


@pytest.mark.django_db
def test_the_list_filters_by_kind_status_and_dates(client, clerk, reviewer, approved_customer):
    old = _approved(clerk, reviewer, approved_customer, occurred_at=timezone.now() - timedelta(days=40))
    new_top_up = _approved(clerk, reviewer, approved_customer, kind="top_up")
    client.force_login(clerk)
    rows = client.get(reverse("transactions:list"), {"kind": "top_up"}).context["page"].object_list
    assert [t.pk for t in rows] == [new_top_up.pk]
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    rows = client.get(reverse("transactions:list"), {"since": since}).context["page"].object_list
    assert old.pk not in [t.pk for t in rows]
    bad = client.get(reverse("transactions:list"), {"since": "2026-02-30", "until": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors


@pytest.mark.django_db
def test_my_work_shows_a_returned_transaction_with_its_reason(client, clerk, reviewer, approved_customer):
    txn = services.transaction_submit(actor=clerk, txn=_entered(clerk, approved_customer))
    services.transaction_return(actor=reviewer, txn=txn, reason="凭证不清", field_reasons={"amount": "应为 110.00"})
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert txn.number in html and "凭证不清" in html and "应为 110.00" in html
    assert reverse("transactions:update", args=[txn.pk]) in html
