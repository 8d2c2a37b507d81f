"""Two-person entry and review (SPEC §4 Entry, Review, Changes, Duplicates)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from customers import services
from customers.duplicates import possible_duplicates
from customers.models import ChangeRequest, Customer, Status
from review.models import Decision, ReviewDecision
from tests.factories import CustomerFactory, UserFactory, make_resident_id


def _pending(clerk, **fields) -> Customer:
    return services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, **fields))


def _approved(clerk, reviewer, **fields) -> Customer:
    return services.customer_approve(actor=reviewer, customer=_pending(clerk, **fields))


def _decisions(obj) -> list[str]:
    return list(ReviewDecision.objects.filter(object_id=obj.pk).order_by("at", "id").values_list("decision", flat=True))


# Walk-throughs ---------------------------------------------------------------


@pytest.mark.django_db
def test_submit_then_approve(clerk, reviewer):
    customer = services.customer_approve(actor=reviewer, customer=_pending(clerk))
    customer.refresh_from_db()
    assert customer.status == Status.APPROVED
    assert customer.reviewed_by == reviewer and customer.reviewed_at is not None
    assert customer.contact_verified_at is not None
    assert _decisions(customer) == [Decision.APPROVED]
    latest = customer.history.first()
    assert latest.history_user == reviewer and latest.status == Status.APPROVED


@pytest.mark.django_db
def test_submit_return_correct_resubmit_approve(clerk, reviewer):
    customer = _pending(clerk)
    services.customer_return(actor=reviewer, customer=customer, reason="请核对", field_reasons={"mobile": "与原件不符"})
    customer.refresh_from_db()
    assert customer.status == Status.RETURNED
    returned = ReviewDecision.objects.get(decision=Decision.RETURNED)
    assert returned.field_reasons == {"mobile": "与原件不符"} and returned.note == "请核对"

    customer = services.customer_update(actor=clerk, customer=customer, fields={"mobile": "+8613900001111"})
    customer = services.customer_submit(actor=clerk, customer=customer)
    assert customer.reviewed_by is None  # the returning checker does not carry over
    customer = services.customer_approve(actor=reviewer, customer=customer)
    assert customer.status == Status.APPROVED
    assert _decisions(customer) == [Decision.RETURNED, Decision.APPROVED]


@pytest.mark.django_db
def test_a_return_needs_a_reason(clerk, reviewer):
    customer = _pending(clerk)
    with pytest.raises(ValidationError):
        services.customer_return(actor=reviewer, customer=customer, reason=" ", field_reasons={"mobile": ""})
    customer.refresh_from_db()
    assert customer.status == Status.PENDING and not ReviewDecision.objects.exists()


@pytest.mark.django_db
def test_an_entry_edited_after_the_checker_opened_it_cannot_be_approved_in_its_old_form(clerk, reviewer):
    customer = _pending(clerk)
    seen = customer.version
    # The maker pulls it back by correcting it (a returned-and-resubmitted entry has a new version).
    Customer.objects.filter(pk=customer.pk).update(version=seen + 1)
    with pytest.raises(ValidationError, match="重新打开|open it again"):
        services.customer_approve(actor=reviewer, customer=customer, version=seen)
    customer.refresh_from_db()
    assert customer.status == Status.PENDING and not ReviewDecision.objects.exists()


@pytest.mark.django_db
def test_a_key_customer_needs_a_second_approval_by_a_manager(clerk, reviewer, manager, department):
    customer = _pending(clerk, tier="key")
    customer = services.customer_approve(actor=reviewer, customer=customer)
    assert customer.status == Status.PENDING and customer.reviewed_by == reviewer
    # Neither the first reviewer again nor another reviewer gives the second approval.
    with pytest.raises(PermissionDenied):
        services.customer_approve(actor=reviewer, customer=customer)
    other_reviewer = UserFactory(username="reviewer_b", department=department)
    other_reviewer.groups.add(reviewer.groups.get())
    with pytest.raises(PermissionDenied):
        services.customer_approve(actor=other_reviewer, customer=customer)

    customer = services.customer_approve(actor=manager, customer=customer)
    assert customer.status == Status.APPROVED and customer.second_reviewed_by == manager
    assert _decisions(customer) == [Decision.FIRST_APPROVED, Decision.APPROVED]


@pytest.mark.django_db
def test_the_second_approval_queue_belongs_to_the_departments_managers(
    client, clerk, reviewer, manager, other_department_manager
):
    customer = services.customer_approve(actor=reviewer, customer=_pending(clerk, tier="key"))
    client.force_login(manager)
    assert customer.archive_no in client.get(reverse("review:queue")).content.decode()
    client.force_login(other_department_manager)
    assert customer.archive_no not in client.get(reverse("review:queue")).content.decode()
    assert client.get(reverse("review:page", args=[customer.pk])).status_code == 404


# Maker ≠ checker --------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_refuses_the_maker(reviewing_clerk):
    customer = _pending(reviewing_clerk)
    with pytest.raises(PermissionDenied):
        services.customer_approve(actor=reviewing_clerk, customer=customer)
    with pytest.raises(PermissionDenied):
        services.customer_return(actor=reviewing_clerk, customer=customer, reason="自己退回")
    customer.refresh_from_db()
    assert customer.status == Status.PENDING and not ReviewDecision.objects.exists()


@pytest.mark.django_db
def test_superusers_are_not_exempt(department):
    from django.contrib.auth.models import Group

    root = UserFactory(username="root", department=department, is_superuser=True, is_staff=True)
    root.groups.add(Group.objects.get(name="clerk"), Group.objects.get(name="reviewer"))
    customer = _pending(root)
    with pytest.raises(PermissionDenied):
        services.customer_approve(actor=root, customer=customer)


@pytest.mark.django_db
def test_the_maker_does_not_see_their_entry_in_the_queue_and_a_forged_post_is_refused(client, reviewing_clerk):
    customer = _pending(reviewing_clerk)
    client.force_login(reviewing_clerk)
    assert customer.archive_no not in client.get(reverse("review:queue")).content.decode()
    assert client.get(reverse("review:page", args=[customer.pk])).status_code == 404

    response = client.post(reverse("review:approve", args=[customer.pk]), {"version": customer.version}, follow=True)
    assert "须由他人审核" in response.content.decode()
    response = client.post(reverse("review:return", args=[customer.pk]), {"version": customer.version, "note": "x"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Status.PENDING and not ReviewDecision.objects.exists()


@pytest.mark.django_db
def test_a_plain_clerk_posting_a_decision_is_refused(client, clerk, other_clerk):
    customer = _pending(clerk)
    client.force_login(other_clerk)  # cannot even see it
    assert client.post(reverse("review:approve", args=[customer.pk]), {"version": 1}).status_code == 404
    customer.refresh_from_db()
    assert customer.status == Status.PENDING


@pytest.mark.django_db
def test_the_admin_cannot_approve_or_set_the_status(client, department, clerk):
    from django.contrib.auth.models import Group

    root = UserFactory(username="root", department=department, is_superuser=True, is_staff=True)
    root.groups.add(Group.objects.get(name="manager"))
    customer = _pending(clerk)
    client.force_login(root)
    change_url = reverse("admin:customers_customer_change", args=[customer.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    response = client.post(change_url, {"status": "approved", "name": "改名"})
    assert response.status_code == 403
    listing = client.get(reverse("admin:customers_customer_changelist"))
    assert [name for name, *_ in listing.context["cl"].model_admin.get_action_choices(listing.wsgi_request)][1:] == []
    customer.refresh_from_db()
    assert customer.status == Status.PENDING and customer.name != "改名"


@pytest.mark.django_db
def test_the_database_refuses_a_checker_who_is_the_maker_through_a_raw_update(clerk, reviewer, manager):
    customer = _pending(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(reviewed_by=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(reviewed_by=reviewer, second_reviewed_by=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(reviewed_by=reviewer, second_reviewed_by=clerk)
    Customer.objects.filter(pk=customer.pk).update(reviewed_by=reviewer, second_reviewed_by=manager)  # a third person


@pytest.mark.django_db
def test_the_database_refuses_a_change_checker_who_asked_for_the_change(clerk, reviewer):
    change = services.change_request_create(
        actor=clerk, customer=_approved(clerk, reviewer), fields={"occupation": "律师"}, reason="换工作"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.filter(pk=change.pk).update(reviewed_by=clerk)


# Concurrency -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_checkers_deciding_at_once_get_one_decision_and_one_already_decided(clerk, reviewer, department):
    from django.contrib.auth.models import Group

    second = UserFactory(username="reviewer_b", department=department)
    second.groups.add(Group.objects.get(name="reviewer"))
    customer = _pending(clerk)
    history_before = customer.history.count()
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(actor) -> None:
        try:
            barrier.wait(timeout=10)
            services.customer_approve(actor=actor, customer=Customer.objects.get(pk=customer.pk))
            outcomes[actor.username] = "approved"
        except ValidationError as exc:
            outcomes[actor.username] = exc
        except BaseException as exc:  # anything else fails the test below
            outcomes[actor.username] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in (reviewer, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [name for name, outcome in outcomes.items() if outcome == "approved"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner = {reviewer.username: reviewer, second.username: second}[winners[0]]
    assert "已由" in losers[0].messages[0] and winner.display_name in losers[0].messages[0]
    # The loser's transaction left nothing: one decision, one new history row.
    assert ReviewDecision.objects.filter(object_id=customer.pk).count() == 1
    assert customer.history.count() == history_before + 1
    customer.refresh_from_db()
    assert customer.status == Status.APPROVED and customer.reviewed_by == winner


# Change requests -------------------------------------------------------------


@pytest.mark.django_db
def test_duplicates_are_flagged_by_id_by_mobile_and_by_name_with_birth_date(clerk, other_clerk, reviewer):
    number = make_resident_id()
    first = _approved(clerk, reviewer, n=1, id_number=number, mobile="+8613600000001", name="李雷")
    same_id = CustomerFactory(actor=other_clerk, n=2, id_number=number, mobile="+8613600000002", name="韩梅梅")
    same_mobile = CustomerFactory(actor=other_clerk, n=3, mobile="+8613600000001", name="王五")
    same_name_birth = CustomerFactory(
        actor=other_clerk,
        n=4,
        name="李雷",
        birth_date=first.birth_date,
        id_number=make_resident_id(first.birth_date, sequence=901),
        mobile="+8613600000004",
    )
    unrelated = CustomerFactory(actor=other_clerk, n=5, name="赵六", mobile="+8613600000005")
    found = possible_duplicates([same_id, same_mobile, same_name_birth, unrelated])
    assert [(d.pk, d.rule) for d in found[same_id.pk]] == [(first.pk, "id_number")]
    assert [(d.pk, d.rule) for d in found[same_mobile.pk]] == [(first.pk, "mobile")]
    assert [(d.pk, d.rule) for d in found[same_name_birth.pk]] == [(first.pk, "name_birth")]
    assert unrelated.pk not in found


@pytest.mark.django_db
def test_the_confirmation_page_flags_an_out_of_scope_duplicate_without_naming_it(client, clerk, other_clerk, reviewer):
    number = make_resident_id()
    first = _approved(clerk, reviewer, n=1, id_number=number)
    twin = CustomerFactory(actor=other_clerk, n=2, id_number=number)
    client.force_login(other_clerk)
    page = client.get(reverse("customers:confirm", args=[twin.pk])).content.decode()
    # Not theirs: only that a record exists elsewhere, and why (no archive number: an existence oracle).
    assert first.archive_no not in page and "证件号码相同" in page
    assert reverse("customers:detail", args=[first.pk]) not in page
    services.customer_submit(actor=other_clerk, customer=twin)
    client.force_login(reviewer)
    page = client.get(reverse("review:page", args=[twin.pk])).content.decode()
    assert reverse("customers:detail", args=[first.pk]) in page  # the reviewer may open it


@pytest.mark.django_db
def test_the_same_id_is_never_approved_twice(clerk, other_clerk, reviewer):
    number = make_resident_id()
    _approved(clerk, reviewer, n=1, id_number=number)
    twin = _pending(other_clerk, n=2, id_number=number)
    with pytest.raises(ValidationError, match="已存在使用该证件号码"):
        services.customer_approve(actor=reviewer, customer=twin)
    twin.refresh_from_db()
    assert twin.status == Status.PENDING
    # Underneath, the database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=twin.pk).update(status=Status.APPROVED)


# The queue -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_is_oldest_first_filtered_and_counted_in_the_layout_bar(client, clerk, reviewer):
    old = _pending(clerk, n=1, name="先来")
    new = _pending(clerk, n=2, name="后到", kind="individual")
    CustomerFactory(actor=clerk, n=3)  # a draft is not in the queue
    client.force_login(reviewer)
    response = client.get(reverse("review:queue"))
    html = response.content.decode()
    assert html.index(old.archive_no) < html.index(new.archive_no)
    assert response.context["review_count"] == 2
    assert [e["customer"].pk for e in response.context["entries"]] == [old.pk, new.pk]
    organizations = client.get(reverse("review:queue"), {"kind": "organization"})
    assert organizations.context["entries"] == []
    by_maker = client.get(reverse("review:queue"), {"maker": "nobody"})
    assert by_maker.context["entries"] == []


@pytest.mark.django_db
def test_the_queue_keeps_a_fixed_query_count_with_200_pending_entries(client, clerk, reviewer):
    from django.test.utils import CaptureQueriesContext

    for n in range(10):
        _pending(clerk, n=n + 1)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("review:queue")).status_code == 200
    for n in range(10, 200):
        _pending(clerk, n=n + 1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("review:queue"))
    assert len(response.context["entries"]) == 50 and response.context["has_next"]
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_queue_page_is_well_formed(client, clerk, reviewer):
    import re

    _pending(clerk)
    client.force_login(reviewer)
    html = client.get(reverse("review:queue")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "审核队列" in title
    assert html.count('data-testid="review-queue"') == 1
