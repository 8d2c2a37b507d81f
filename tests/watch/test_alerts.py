"""Misuse alerts (issue 18 item 4): a burst against the account's and the
department's usual rate raises an alert with its evidence; a normal day does not;
a re-run does not duplicate; the sweep costs a bounded number of queries."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tests.watch.conftest import EXPORT, LOOKUP, REVEAL, local_noon, log
from watch import selectors
from watch.models import Alert, AlertStatus
from watch.sweep import watch_sweep


@pytest.fixture
def usual_month(clerk, other_clerk):
    """Four weeks of ordinary work: two reveals a day each, a lookup every other day."""
    for days_ago in range(1, 29):
        for user in (clerk, other_clerk):
            log(user, REVEAL, 2, when=local_noon(days_ago))
            if days_ago % 2:
                log(user, LOOKUP, when=local_noon(days_ago))


@pytest.mark.django_db
def test_a_burst_of_reveals_raises_an_alert_with_its_evidence(settings, clerk, usual_month):
    log(clerk, REVEAL, 40, when=local_noon(0))

    figures = watch_sweep()

    alert = Alert.objects.get()
    assert figures["raised"] == 1
    assert (alert.account, alert.kind, alert.count, alert.status) == (clerk, "reveal", 40, AlertStatus.OPEN)
    assert alert.own_median == 2 and alert.department_median == 2
    assert alert.department_id == clerk.department_id
    assert alert.evidence["threshold"] == settings.CRM_ALERT_FACTOR * 2
    assert alert.baseline_days == settings.CRM_ALERT_BASELINE_DAYS


@pytest.mark.django_db
def test_a_normal_day_raises_no_alert(clerk, other_clerk, usual_month):
    log(clerk, REVEAL, 3, when=local_noon(0))
    log(other_clerk, LOOKUP, 2, when=local_noon(0))
    assert watch_sweep()["raised"] == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_day_above_the_minimum_but_within_the_accounts_usual_rate_raises_nothing(settings, clerk, other_clerk):
    settings.CRM_ALERT_MIN_REVEALS = 10
    for days_ago in range(1, 29):
        log(clerk, REVEAL, 12, when=local_noon(days_ago))  # a reviewer-like heavy but steady user
    log(clerk, REVEAL, 30, when=local_noon(0))
    assert watch_sweep()["raised"] == 0


@pytest.mark.django_db
def test_a_newcomer_is_measured_against_the_department(settings, department, clerk, usual_month):
    newcomer = UserFactory(username="newcomer", department=department)
    log(newcomer, EXPORT, 5, when=local_noon(0))
    assert settings.CRM_ALERT_MIN_EXPORTS == 5
    watch_sweep()
    alert = Alert.objects.get(account=newcomer)
    assert alert.kind == "export" and alert.own_median == 0 and alert.department_median == 0


@pytest.mark.django_db
def test_a_rerun_does_not_duplicate_and_updates_the_count_of_an_open_alert(clerk, usual_month):
    log(clerk, LOOKUP, 20, when=local_noon(0))
    assert watch_sweep()["raised"] == 1
    assert watch_sweep() == {"raised": 0, "updated": 0, "bursts": 1}
    log(clerk, LOOKUP, 5, when=local_noon(0))
    assert watch_sweep()["updated"] == 1
    call_command("watch_sweep", stdout=io.StringIO())
    assert Alert.objects.get().count == 25


@pytest.mark.django_db
def test_the_sweep_costs_the_same_few_queries_however_many_accounts_and_entries(
    django_assert_max_num_queries, department, usual_month
):
    for n in range(8):
        burster = UserFactory(username=f"burst{n}", department=department)
        log(burster, REVEAL, 12, when=local_noon(0))
        log(burster, EXPORT, 6, when=local_noon(1))
    with django_assert_max_num_queries(6):
        figures = watch_sweep()
    assert figures["raised"] == 16
    with django_assert_max_num_queries(6):
        assert watch_sweep()["raised"] == 0


@pytest.mark.django_db
def test_the_schedule_option_queues_the_next_sweep_in_the_worker(clerk):
    call_command("watch_sweep", "--schedule", stdout=io.StringIO())
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "watch.tasks.hourly_sweep"
    assert queued.run_after > timezone.now()


@pytest.mark.django_db
def test_a_sweep_killed_after_raising_alerts_leaves_none_and_the_next_run_raises_them(
    monkeypatch, clerk, other_clerk, usual_month
):
    log(clerk, REVEAL, 40, when=local_noon(0))
    watch_sweep()
    log(clerk, REVEAL, 10, when=local_noon(0))  # the open alert will grow
    log(other_clerk, LOOKUP, 30, when=local_noon(0))  # and a new one be raised

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process stopped between the two writes

    monkeypatch.setattr(Alert.objects, "bulk_update", killed)
    with pytest.raises(KeyboardInterrupt):
        watch_sweep()
    assert list(Alert.objects.values_list("account__username", "count")) == [("clerk", 40)]
    monkeypatch.undo()
    assert watch_sweep() == {"raised": 1, "updated": 1, "bursts": 2}


@pytest.mark.django_db
def test_an_alert_is_acknowledged_with_a_note_and_leaves_my_work(client, clerk, security_officer, usual_month):
    log(clerk, REVEAL, 40, when=local_noon(0))
    watch_sweep()
    alert = Alert.objects.get()
    assert selectors.my_work(user=security_officer)["watch_alerts"] == [alert]
    client.force_login(security_officer)
    page = client.get(reverse("home"))
    url = reverse("watch:alert", kwargs={"pk": alert.pk})
    assert client.post(url, {"note": ""}).status_code == 200  # a note is needed
    assert client.post(url, {"note": "核实为批量核对，已提醒"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == security_officer
    assert alert.note == "核实为批量核对，已提醒"
    assert selectors.my_work(user=security_officer)["watch_alerts"] == []
    assert page.status_code == 200


@pytest.mark.django_db
def test_an_officer_cannot_acknowledge_an_alert_about_themselves(client, security_officer, usual_month):
    log(security_officer, EXPORT, 9, when=local_noon(0))
    watch_sweep()
    alert = Alert.objects.get(account=security_officer)
    client.force_login(security_officer)
    client.post(reverse("watch:alert", kwargs={"pk": alert.pk}), {"note": "我自己的"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


@pytest.mark.django_db
def test_another_departments_alerts_are_neither_listed_nor_opened(
    client, security_officer, other_department_manager, usual_month
):
    log(other_department_manager, EXPORT, 9, when=local_noon(0))
    watch_sweep()
    alert = Alert.objects.get()
    client.force_login(security_officer)
    assert client.get(reverse("watch:alert", kwargs={"pk": alert.pk})).status_code == 404
    assert other_department_manager.username not in client.get(reverse("watch:alerts")).content.decode()
    assert selectors.my_work(user=security_officer)["watch_alerts_count"] == 0


@pytest.mark.django_db
def test_my_work_of_the_watch_costs_a_fixed_number_of_queries_and_is_empty_for_others(
    django_assert_max_num_queries, clerk, security_officer, usual_month
):
    for n in range(12):
        log(UserFactory(username=f"x{n}", department=clerk.department), EXPORT, 9, when=local_noon(0))
    watch_sweep()
    with django_assert_max_num_queries(6):
        work = selectors.my_work(user=security_officer)
    assert len(work["watch_alerts"]) == 10 and work["watch_alerts_count"] == 12
    assert selectors.my_work(user=clerk) == {}


@pytest.mark.django_db
def test_the_my_work_partial_shows_the_officers_alerts_and_nothing_for_others(clerk, security_officer, usual_month):
    from django.template.loader import render_to_string

    log(clerk, REVEAL, 40, when=local_noon(0))
    watch_sweep()
    shown = render_to_string("watch/_my_work.html", selectors.my_work(user=security_officer))
    assert 'data-testid="my-work-watch-alerts"' in shown and "clerk" in shown
    assert reverse("watch:alert", kwargs={"pk": Alert.objects.get().pk}) in shown
    assert render_to_string("watch/_my_work.html", selectors.my_work(user=clerk)).strip() == ""
