"""Every kind of change appears in the feed, in order, for whoever sees the customer."""

from __future__ import annotations

import pytest
from django.db import connection

from customers import services as customer_services
from customers.models import Customer
from feed import triggers
from feed.models import Change
from lifecycle.models import DestructionBasis
from lifecycle.services import archive, destruction
from tests.factories import CustomerFactory
from tests.feed.conftest import approved, business, read_all, seen

FEED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@FEED
def test_a_customer_entered_submitted_and_approved_is_created_updated_approved_in_that_order(
    clerk, reviewer, manager, other_department_manager
):
    customer = CustomerFactory(actor=clerk)
    customer = customer_services.customer_submit(actor=clerk, customer=customer)
    customer = customer_services.customer_approve(actor=reviewer, customer=customer)

    rows, _ = read_all(manager)
    assert seen(rows) == [
        ("customer", customer.pk, "created"),
        ("customer", customer.pk, "updated"),
        ("customer", customer.pk, "approved"),
    ]
    assert [r.version for r in rows][-1] == customer.version
    assert {(r.customer_id, r.department_id) for r in rows} == {(customer.pk, customer.department_id)}
    assert read_all(other_department_manager)[0] == []


@FEED
def test_a_transaction_a_contact_a_complaint_and_a_survey_appear_for_the_department_only(
    clerk, reviewer, manager, other_department_manager
):
    customer = approved(clerk, reviewer)
    made = business(clerk, reviewer, customer)

    rows, _ = read_all(manager)
    business_rows = [r for r in seen(rows) if r[0] != "customer"]
    assert business_rows == [
        ("transaction", made["transaction"].pk, "created"),
        ("transaction", made["transaction"].pk, "updated"),
        ("transaction", made["transaction"].pk, "approved"),
        ("contact", made["contact"].pk, "created"),
        ("complaint", made["complaint"].pk, "created"),
        ("survey", made["survey"].pk, "created"),
    ]
    assert {r.customer_id for r in rows} == {customer.pk}
    assert read_all(other_department_manager)[0] == []


@FEED
def test_an_archive_a_restore_and_a_destruction_are_told_as_such(clerk, reviewer, manager, security_officer):
    customer = approved(clerk, reviewer)
    request = archive.archive_request_create(actor=clerk, customer=customer, reason="客户已销户，不再服务")
    archive.archive_request_approve(actor=reviewer, request=request)
    customer = Customer.objects.get(pk=customer.pk)
    restore = archive.archive_request_create(actor=clerk, customer=customer, reason="客户重新开户")
    archive.archive_request_approve(actor=reviewer, request=restore)
    customer = Customer.objects.get(pk=customer.pk)
    Customer.objects.filter(pk=customer.pk).update(retention_until="2000-01-01")
    doomed = destruction.destruction_request(
        actor=manager, customer=customer, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    destruction.destruction_approve(actor=security_officer, request=doomed)

    kinds = [kind for _, _, kind in seen(read_all(manager)[0])]
    told = [k for k in kinds if k in ("approved", "archived", "restored", "destroyed")]
    assert told == ["approved", "archived", "restored", "destroyed"]


@FEED
def test_a_reviewer_who_no_longer_sees_a_destroyed_customer_is_still_told_it_was_destroyed(
    clerk, reviewer, manager, security_officer, other_department_manager
):
    customer = approved(clerk, reviewer)
    Customer.objects.filter(pk=customer.pk).update(retention_until="2000-01-01")
    doomed = destruction.destruction_request(
        actor=manager, customer=customer, basis=DestructionBasis.RETENTION_PASSED, reason="保存期限已过"
    )
    destruction.destruction_approve(actor=security_officer, request=doomed)

    told = seen(read_all(reviewer)[0])
    assert ("customer", customer.pk, "destroyed") in told
    assert ("customer", customer.pk, "created") not in told  # the customer itself is out of the reviewer's scope now
    assert read_all(other_department_manager)[0] == []


@FEED
def test_a_merge_leaves_a_merged_tombstone_pointing_at_the_survivor(clerk, other_clerk, reviewer, manager):
    survivor = approved(clerk, reviewer, n=1, name="刘洋", mobile="+8613600000001")
    merged = approved(other_clerk, reviewer, n=2, name="劉洋", mobile="+8613600000002")
    proposal = customer_services.merge_propose(
        actor=manager, survivor=survivor, merged=merged, take_from_merged=[], reason="同一人"
    )
    customer_services.merge_approve(actor=reviewer, merge=proposal)

    tombstones = [r for r in read_all(manager)[0] if r.kind == "merged"]
    assert [(r.object_id, r.merged_into_id) for r in tombstones] == [(merged.pk, survivor.pk)]
    # The maker of the merged record, who held it, is told too.
    assert [r.object_id for r in read_all(other_clerk)[0] if r.kind == "merged"] == [merged.pk]


@FEED
def test_a_clerk_reads_the_changes_of_the_customers_they_hold_and_no_others(clerk, other_clerk, reviewer):
    mine = approved(clerk, reviewer, n=1)
    theirs = approved(other_clerk, reviewer, n=2)

    assert {r.customer_id for r in read_all(clerk)[0]} == {mine.pk}
    assert {r.customer_id for r in read_all(other_clerk)[0]} == {theirs.pk}


@FEED
def test_a_write_that_bypasses_the_services_is_in_the_feed_too(clerk, reviewer, manager):
    customer = approved(clerk, reviewer)
    before = Change.objects.count()
    Customer.objects.filter(pk=customer.pk).update(tier="vip")

    assert Change.objects.count() == before + 1
    assert seen(read_all(manager)[0])[-1] == ("customer", customer.pk, "updated")


@FEED
def test_the_feed_holds_no_value_of_the_customer(clerk, reviewer, manager):
    customer = approved(clerk, reviewer, name="司马远航", mobile="+8613900001111")
    business(clerk, reviewer, customer)

    dump = repr(list(Change.objects.values_list()))
    assert "司马远航" not in dump and "13900001111" not in dump and customer.archive_no not in dump
    assert len(read_all(manager)[0]) >= 9


@pytest.mark.django_db
def test_installing_the_triggers_again_leaves_one_of_each_and_removing_them_stops_the_feed(clerk):
    with connection.cursor() as cursor:
        for statement in triggers.install_statements(connection) * 2:
            cursor.execute(statement)
    customer = CustomerFactory(actor=clerk)
    assert Change.objects.filter(object_id=customer.pk, object_type="customer").count() == 1

    with connection.cursor() as cursor:
        for statement in triggers.remove_statements(connection):
            cursor.execute(statement)
        Customer.objects.filter(pk=customer.pk).update(lifecycle_stage="active")
        assert Change.objects.filter(object_id=customer.pk, object_type="customer").count() == 1
        for statement in triggers.install_statements(connection):
            cursor.execute(statement)
    Customer.objects.filter(pk=customer.pk).update(lifecycle_stage="dormant")
    assert Change.objects.filter(object_id=customer.pk, object_type="customer").count() == 2
