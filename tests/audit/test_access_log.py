"""The access log: append-only, hash-chained, verified, and the security officer's pages."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit import triggers
from audit.models import AccessLog, AccessLogHead
from audit.services import access_log_record, access_log_verify
from customers.models import Customer
from tests.factories import CustomerFactory, UserFactory

COLUMNS = ["at", "actor_id", "actor_name", "action", "customer_id", "customer_archive_no", "field", "purpose",
           "address", "detail", "prev_hash", "hash"]  # fmt: skip


@pytest.fixture
def entries(clerk, customer):
    made = [
        access_log_record(action="login", actor=clerk),
        access_log_record(action="reveal", actor=clerk, customer=customer, field="id_number", purpose="核对"),
        access_log_record(action="export", actor=clerk, detail={"rows": 3, "filter": {"q": "张"}}),
        access_log_record(action="login_failed", actor_name="nobody"),
        access_log_record(action="logout", actor=clerk),
    ]
    return made


def _raw(sql: str, params=()) -> None:
    """As an attacker with database access would: lift the triggers, edit, restore."""
    with connection.cursor() as cursor:
        for statement in triggers.remove(connection):
            cursor.execute(statement)
        try:
            cursor.execute(sql, params)
        finally:
            for statement in triggers.install(connection):
                cursor.execute(statement, None) if connection.vendor == "postgresql" else cursor.execute(statement)


@pytest.mark.django_db
def test_an_untouched_log_verifies(entries):
    result = access_log_verify()
    assert result.ok and result.checked == len(entries)
    assert entries[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:], strict=False))


CHANGES = {
    "at": "'2020-01-01 00:00:00'",
    "actor_id": "NULL",
    "actor_name": "'someone'",
    "action": "'login'",
    "customer_id": "NULL",
    "customer_archive_no": "'KH0'",
    "field": "'bank_account'",
    "purpose": "'nothing to see'",
    "address": "'10.9.9.9'",
    "detail": "'{\"rows\": 4}'",
    "prev_hash": "'" + "1" * 64 + "'",
    "hash": "'" + "2" * 64 + "'",
}


@pytest.mark.django_db
@pytest.mark.parametrize("column", list(CHANGES))
def test_editing_any_column_of_any_entry_is_detected_and_the_entry_named(entries, column):
    target = entries[1]
    _raw(f"UPDATE audit_accesslog SET {column} = {CHANGES[column]} WHERE id = %s", [target.id])  # noqa: S608
    result = access_log_verify()
    assert not result.ok
    assert result.first_bad_id == target.id


@pytest.mark.django_db
def test_a_removed_middle_entry_is_detected(entries):
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [entries[2].id])
    result = access_log_verify()
    assert (result.ok, result.first_bad_id) == (False, entries[2].id)


@pytest.mark.django_db
def test_a_removed_last_entry_is_detected(entries):
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [entries[-1].id])
    result = access_log_verify()
    assert (result.ok, result.first_bad_id) == (False, entries[-1].id)


@pytest.mark.django_db
def test_two_swapped_entries_are_detected(entries):
    first, second = entries[1], entries[2]
    first_id = first.id
    _raw("DELETE FROM audit_accesslog WHERE id IN (%s, %s)", [first.id, second.id])
    for entry, new_id in ((first, second.id), (second, first.id)):
        entry.id = new_id
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_accesslog (id, at, actor_id, actor_name, action, customer_id, customer_archive_no,"
                " field, purpose, address, detail, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                " %s, %s, %s)",
                [
                    entry.id,
                    entry.at,
                    entry.actor_id,
                    entry.actor_name,
                    entry.action,
                    entry.customer_id,
                    entry.customer_archive_no,
                    entry.field,
                    entry.purpose,
                    entry.address,
                    '{"rows": 3, "filter": {"q": "张"}}' if entry.action == "export" else "{}",
                    entry.prev_hash,
                    entry.hash,
                ],  # fmt: skip
            )
    result = access_log_verify()
    assert (result.ok, result.first_bad_id) == (False, first_id)


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete(entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entries[0].pk).update(purpose="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entries[0].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET purpose = 'x'")
    assert access_log_verify().ok


@pytest.mark.django_db
def test_verify_command_passes_an_intact_log_and_names_the_first_bad_entry(entries):
    out = io.StringIO()
    call_command("verify_audit_log", "--no-progress", stdout=out)
    assert "5 entries" in out.getvalue()
    _raw("UPDATE audit_accesslog SET purpose = 'x' WHERE id = %s", [entries[3].id])
    with pytest.raises(CommandError, match=f"#{entries[3].id}"):
        call_command("verify_audit_log", "--no-progress", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_at_the_same_moment_never_fork_the_chain():
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(10):
                access_log_record(action="export", actor_name=f"writer{n}", detail={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = access_log_verify()
    assert result.ok and result.checked == 40
    assert AccessLogHead.objects.get().count == 40


@pytest.mark.django_db
def test_logins_failures_and_logouts_are_logged_with_the_address(client, clerk):
    client.post(reverse("login"), {"username": "Clerk", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    failed = AccessLog.objects.get(action="login_failed")
    assert (failed.actor_name, failed.address, failed.actor) == ("clerk", "10.0.0.7", None)
    assert "wrong" not in str(list(AccessLog.objects.values_list()))

    client.post(
        reverse("login"),
        {"username": "clerk", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.8",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    login = AccessLog.objects.get(action="login")
    assert (login.actor, login.address) == (clerk, "10.0.0.8")
    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.8")
    assert AccessLog.objects.filter(action="logout", actor=clerk).exists()
    assert access_log_verify().ok


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_whatever_the_forwarded_address(client, clerk, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "CLERK" if n % 2 else "clerk", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"7.7.7.{n}",
        )
    locked = client.post(
        reverse("login"),
        {"username": "clerk", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.0.0.10",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action="locked_out", actor_name="clerk").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "reviewer", "manager", "superuser"])
def test_only_the_security_officer_opens_the_audit_pages(client, persona, request, department):
    if persona == "superuser":
        user = UserFactory(username="root", department=department, is_staff=True, is_superuser=True)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("audit:access_log")).status_code == 404
    assert client.get(reverse("audit:changes")).status_code == 404
    assert client.post(reverse("audit:verify")).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(reverse("audit:access_log")).status_code == 302


@pytest.mark.django_db
def test_the_security_officer_filters_the_log_and_verifies_the_chain(client, security_officer, entries, customer):
    client.force_login(security_officer)
    page = client.get(reverse("audit:access_log"), {"action": "reveal"})
    assert [e.action for e in page.context["entries"]] == ["reveal"]
    by_customer = client.get(reverse("audit:access_log"), {"customer": customer.archive_no.lower()})
    assert [e.id for e in by_customer.context["entries"]] == [entries[1].id]
    by_user = client.get(reverse("audit:access_log"), {"user": "nobody"})
    assert [e.action for e in by_user.context["entries"]] == ["login_failed"]
    response = client.post(reverse("audit:verify"), follow=True)
    assert response.context["last_check"].ok
    _raw("UPDATE audit_accesslog SET purpose = 'x' WHERE id = %s", [entries[1].id])
    response = client.post(reverse("audit:verify"), follow=True)
    assert not response.context["last_check"].ok
    assert f"#{entries[1].id}" in response.content.decode()


@pytest.mark.django_db
def test_the_access_log_page_keeps_a_fixed_number_of_queries(
    client, security_officer, clerk, django_assert_max_num_queries
):
    client.force_login(security_officer)
    for _ in range(5):
        access_log_record(action="login", actor=clerk)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("audit:access_log"))
    for _ in range(80):
        access_log_record(action="login", actor=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:access_log"))
    assert len(response.context["entries"]) == 50 and response.context["has_next"]


@pytest.mark.django_db
def test_the_change_trail_masks_values_and_keeps_a_fixed_number_of_queries(
    client, security_officer, clerk, django_assert_max_num_queries
):
    from customers import services

    client.force_login(security_officer)
    first = CustomerFactory(actor=clerk, mobile="+8613988887777", email="secret@example.com")
    services.customer_update(actor=clerk, customer=first, fields={"mobile": "+8613988887776"})
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit:changes"))
    for n in range(30):
        services.customer_update(actor=clerk, customer=CustomerFactory(actor=clerk), fields={"name": f"改{n}"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:changes"))
    assert len(response.context["rows"]) == 50
    html = client.get(reverse("audit:changes"), {"customer": first.archive_no}).content.decode()
    stored = Customer.objects.get(pk=first.pk)
    assert first.archive_no in html
    for secret in (stored.id_number, stored.bank_account, "13988887777", "secret@example.com"):
        assert secret not in html
    assert "139****7776" in html and "13988887776" not in html
