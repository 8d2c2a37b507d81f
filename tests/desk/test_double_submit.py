"""Double submits (issue 22 item 5): a second click never makes a second row or
a second state change, and the second click is told what happened. The create
forms' one-time tokens are tested in tests/test_bad_input.py; here the step that
sends an entry for review."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Status
from tests.factories import CustomerFactory
from transactions import services as transaction_services
from transactions.models import Transaction

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_second_click_on_confirm_and_submit_says_it_was_already_submitted(client, clerk):
    draft = CustomerFactory(actor=clerk)
    client.force_login(clerk)
    url = reverse("customers:submit", args=[draft.pk])
    first = client.post(url)
    assert first.status_code == 302 and first.url == reverse("home")
    second = client.post(url)
    assert second.status_code == 302 and second.url == reverse("home")
    said = _messages(second)
    assert any("已经提交" in message and draft.archive_no in message for message in said), said
    assert not any("请先更正" in message for message in said), said
    assert Customer.objects.get(pk=draft.pk).status == Status.PENDING


def test_a_refused_submit_of_someone_elses_pending_entry_is_not_called_a_second_click(client, clerk, other_clerk):
    draft = CustomerFactory(actor=clerk)
    client.force_login(clerk)
    client.post(reverse("customers:submit", args=[draft.pk]))
    client.force_login(other_clerk)
    response = client.post(reverse("customers:submit", args=[draft.pk]))
    assert response.status_code == 404
    assert not any("已经提交" in message for message in _messages(response))


def test_a_second_click_on_submitting_a_transaction_says_it_was_already_submitted(client, clerk, approved_customer):
    txn = transaction_services.transaction_create(
        actor=clerk,
        customer=approved_customer,
        fields={"kind": "purchase", "occurred_at": timezone.now() - timedelta(days=1), "amount": Decimal("100.00")},
    )
    client.force_login(clerk)
    url = reverse("transactions:submit", args=[txn.pk])
    client.post(url)
    second = client.post(url)
    assert second.status_code == 302
    assert any("已经提交" in message and txn.number in message for message in _messages(second))
    assert Transaction.objects.get(pk=txn.pk).status == "pending"
