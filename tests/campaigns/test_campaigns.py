"""Call and campaign lists (issue 20 item 6): a saved filter gives the approved
customers its viewer may see that match, masked, never one who withdrew consent;
the export is logged with counts, never values; the page costs the same queries
whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from campaigns.models import SavedFilter
from campaigns.services import saved_filter_create
from customers import services as customer_services
from customers.models import Tag
from interactions import services as interaction_services
from lifecycle.services import subject
from tests.factories import CustomerFactory


def approved(clerk, reviewer, n: int, **fields):
    draft = CustomerFactory(actor=clerk, n=n, **fields)
    return customer_services.customer_approve(
        actor=reviewer, customer=customer_services.customer_submit(actor=clerk, customer=draft)
    )


def withdraw(clerk, customer) -> None:
    request = subject.subject_request_record(
        actor=clerk, customer=customer, kind="withdrawal", received_on=timezone.localdate()
    )
    subject.subject_request_answer(actor=clerk, request=request)


@pytest.fixture
def world(clerk, other_clerk, reviewer, other_department_manager):
    """Beijing VIPs: two of the clerk's approved (one later withdrew consent), one
    of the other clerk's, one pending; a Shanghai one; one of the other department."""
    vip, _ = Tag.objects.get_or_create(name="VIP")
    beijing = {"province": "北京市", "tags": [vip]}
    rows = {
        "kept": approved(clerk, reviewer, 1, **beijing),
        "withdrew": approved(clerk, reviewer, 2, **beijing),
        "colleague": approved(other_clerk, reviewer, 3, **beijing),
        "shanghai": approved(clerk, reviewer, 4, province="上海市", tags=[vip]),
    }
    customer_services.customer_submit(actor=clerk, customer=CustomerFactory(actor=clerk, n=5, **beijing))
    withdraw(clerk, rows["withdrew"])
    return {**rows, "vip": vip}


def _filter(owner, vip, **more) -> SavedFilter:
    return saved_filter_create(actor=owner, fields={"name": "北京VIP", "province": "北京市", "tag": vip, **more})


def _archive_numbers(response) -> set[str]:
    return {row[0] for row in response.context["rows"]}


@pytest.mark.django_db
def test_a_managers_list_is_the_departments_approved_matches_without_withdrawn_consent(client, manager, world):
    saved = _filter(manager, world["vip"])
    client.force_login(manager)
    response = client.get(reverse("campaigns:list", args=[saved.pk]))
    assert response.status_code == 200
    assert _archive_numbers(response) == {world["kept"].archive_no, world["colleague"].archive_no}
    assert response.context["count"] == 2


@pytest.mark.django_db
def test_a_clerks_list_holds_only_the_customers_they_entered_or_own(client, clerk, world):
    saved = _filter(clerk, world["vip"])
    client.force_login(clerk)
    response = client.get(reverse("campaigns:list", args=[saved.pk]))
    assert _archive_numbers(response) == {world["kept"].archive_no}


@pytest.mark.django_db
def test_another_departments_manager_never_sees_these_customers(client, other_department_manager, world):
    saved = _filter(other_department_manager, world["vip"])
    client.force_login(other_department_manager)
    response = client.get(reverse("campaigns:list", args=[saved.pk]))
    assert _archive_numbers(response) == set()
    assert world["kept"].archive_no not in response.content.decode()


@pytest.mark.django_db
def test_the_list_shows_names_and_masked_phones_and_no_sensitive_number(client, manager, world):
    saved = _filter(manager, world["vip"])
    client.force_login(manager)
    body = client.get(reverse("campaigns:list", args=[saved.pk])).content.decode()
    kept = world["kept"]
    national = str(kept.mobile)[3:]
    assert kept.name in body
    assert f"{national[:3]}****{national[-4:]}" in body
    assert national not in body
    assert kept.id_number not in body and kept.id_number[-4:] + "<" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_is_masked_and_logged_with_counts_never_values(client, manager, world, file_format):
    saved = _filter(manager, world["vip"])
    client.force_login(manager)
    response = client.get(reverse("campaigns:export", args=[saved.pk, file_format]))
    assert response.status_code == 200
    body = response.content
    national = str(world["kept"].mobile)[3:]
    assert national.encode() not in body
    assert world["withdrew"].archive_no.encode() not in body
    if file_format == "csv":
        assert world["kept"].archive_no in body.decode("utf-8-sig")
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.actor == manager
    assert entry.detail == {"what": "campaign_list", "filter": saved.pk, "format": file_format, "rows": 2}
    assert "北京" not in str(entry.detail) and "北京" not in entry.purpose


@pytest.mark.django_db
def test_a_saved_filter_is_its_owners_alone(client, manager, clerk, other_clerk, world):
    saved = _filter(clerk, world["vip"])
    for outsider in (manager, other_clerk):
        client.force_login(outsider)
        assert client.get(reverse("campaigns:list", args=[saved.pk])).status_code == 404
        assert client.get(reverse("campaigns:export", args=[saved.pk, "csv"])).status_code == 404
        assert client.post(reverse("campaigns:delete", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


@pytest.mark.django_db
def test_reviewers_security_officers_and_a_superuser_without_a_role_run_no_campaign(
    client, reviewer, security_officer, superuser
):
    for user in (reviewer, security_officer, superuser):
        client.force_login(user)
        assert client.get(reverse("campaigns:index")).status_code == 403
        assert client.post(reverse("campaigns:index"), {"name": "x"}).status_code == 403
    assert not SavedFilter.objects.exists()


@pytest.mark.django_db
def test_saving_a_filter_leads_to_its_list_and_a_second_of_the_same_name_is_refused(client, manager, world):
    client.force_login(manager)
    data = {"name": " 北京ＶＩＰ ", "province": "北京市", "tier": "general", "tag": world["vip"].pk}
    response = client.post(reverse("campaigns:index"), data)
    saved = SavedFilter.objects.get()
    assert response.url == reverse("campaigns:list", args=[saved.pk])
    assert (saved.name, saved.owner, saved.department_id) == ("北京VIP", manager, manager.department_id)
    again = client.post(reverse("campaigns:index"), data)
    assert again.status_code == 400
    assert SavedFilter.objects.count() == 1
    client.post(reverse("campaigns:delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


@pytest.mark.django_db
def test_a_no_marketing_check_registered_without_a_query_form_is_still_honoured(client, manager, world, monkeypatch):
    kept = world["kept"].pk
    monkeypatch.setattr(interaction_services, "_NO_MARKETING", [*interaction_services._NO_MARKETING])
    interaction_services.no_marketing_register(lambda customer: customer.pk == kept)
    saved = _filter(manager, world["vip"])
    client.force_login(manager)
    response = client.get(reverse("campaigns:list", args=[saved.pk]))
    assert _archive_numbers(response) == {world["colleague"].archive_no}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_list_and_its_export_cost_the_same_queries_with_many_more_rows(client, manager, clerk, reviewer, world):
    saved = _filter(manager, world["vip"])
    client.force_login(manager)
    urls = [reverse("campaigns:list", args=[saved.pk]), reverse("campaigns:export", args=[saved.pk, "csv"])]
    before = [_queries(client, url) for url in urls]
    for n in range(10, 22):
        approved(clerk, reviewer, n, province="北京市", tags=[world["vip"]])
    assert [_queries(client, url) for url in urls] == before
    assert client.get(urls[0]).context["count"] == 14


@pytest.mark.django_db
def test_each_criterion_narrows_the_list(manager, clerk, reviewer):
    from campaigns.selectors import campaign_customers

    org = approved(
        clerk,
        reviewer,
        31,
        organization=True,
        industry="I",
        enterprise_nature="private",
        customer_nature="company",
        tier="occasional",
        city="杭州市",
    )
    person = approved(clerk, reviewer, 32, customer_nature="consumer", city="杭州市")
    criteria = [
        ({"kind": "organization"}, {org}),
        ({"kind": "individual"}, {person}),
        ({"industry": "I"}, {org}),
        ({"enterprise_nature": "private"}, {org}),
        ({"customer_nature": "consumer"}, {person}),
        ({"tier": "occasional"}, {org}),
        ({"city": "杭州市"}, {org, person}),
        ({"city": "杭州市", "industry": "A"}, set()),
    ]
    for n, (fields, expected) in enumerate(criteria):
        saved = saved_filter_create(actor=manager, fields={"name": f"f{n}", **fields})
        assert set(campaign_customers(user=manager, saved=saved)) == expected, fields


@pytest.mark.django_db
def test_value_class_and_completeness_narrow_the_list_from_the_current_snapshot(manager, clerk, reviewer):
    from campaigns.selectors import campaign_customers
    from insight.models import CustomerScore, SnapshotStatus
    from insight.refresh import snapshot_refresh

    quiet = approved(clerk, reviewer, 41)  # no business in the window: occasional (零散), by the rule
    other = approved(clerk, reviewer, 42)
    snapshot_refresh()
    scores = {s.customer_id: s for s in CustomerScore.objects.filter(snapshot__status=SnapshotStatus.CURRENT)}
    assert scores[quiet.pk].value_class == "occasional"
    for n, value_class in enumerate(("key", "general", "occasional")):
        saved = saved_filter_create(actor=manager, fields={"name": f"价值{n}", "value_class": value_class})
        found = set(campaign_customers(user=manager, saved=saved))
        assert found == {c for c in (quiet, other) if scores[c.pk].value_class == value_class}
    complete = saved_filter_create(actor=manager, fields={"name": "完整", "completeness": "complete"})
    incomplete = saved_filter_create(actor=manager, fields={"name": "不完整", "completeness": "incomplete"})
    both = set(campaign_customers(user=manager, saved=complete)) | set(
        campaign_customers(user=manager, saved=incomplete)
    )
    assert both == {quiet, other}
    assert not set(campaign_customers(user=manager, saved=complete)) & set(
        campaign_customers(user=manager, saved=incomplete)
    )
    # A customer approved after the snapshot has no score yet: no value class, no completeness.
    late = approved(clerk, reviewer, 43)
    saved = saved_filter_create(actor=manager, fields={"name": "零散", "value_class": "occasional"})
    assert late not in set(campaign_customers(user=manager, saved=saved))
