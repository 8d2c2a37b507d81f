"""`seed_scale` (COPY on PostgreSQL, executemany on SQLite) keeps working, and the feed
grows with it: every row it writes is told as created."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from customers.models import Customer
from feed.models import Change
from interactions.models import Complaint, Feedback, Interaction
from transactions.models import Transaction


@pytest.mark.django_db
def test_seed_scale_tells_every_row_it_writes_as_created():
    call_command(
        "seed_scale", 80, "--workers", "0", "--batch-size", "30", "--no-progress", "--json", stdout=io.StringIO()
    )

    for model, object_type in (
        (Customer, "customer"),
        (Transaction, "transaction"),
        (Interaction, "contact"),
        (Complaint, "complaint"),
        (Feedback, "survey"),
    ):
        rows = dict(model.objects.values_list("id", "customer_id" if model is not Customer else "id"))
        told = Change.objects.filter(object_type=object_type, kind="created")
        assert rows, object_type
        assert dict(told.values_list("object_id", "customer_id")) == rows, object_type
        assert told.count() == len(rows), object_type
    customers = dict(Customer.objects.values_list("id", "department_id"))
    told = Change.objects.filter(object_type="customer", kind="created").values_list("object_id", "department_id")
    assert dict(told) == customers
