"""Field encryption (SPEC §5): envelope keys, binding, rotation, shredding."""

from __future__ import annotations

import base64
import os

import pytest
from django.core.management import call_command
from django.db import connection

from customers import services
from customers.models import Customer
from tests.factories import CustomerFactory, make_resident_id
from vault import crypto
from vault import services as vault_services
from vault.crypto import VaultError
from vault.models import DataKey


def _raw_column(customer: Customer, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM customers_customer WHERE id = %s", [customer.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _fresh(customer: Customer) -> Customer:
    return Customer.objects.select_related("data_key").get(pk=customer.pk)


def _new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.mark.django_db
def test_the_same_value_encrypts_differently_twice(clerk):
    number = make_resident_id()
    first = CustomerFactory(actor=clerk, id_number=number)
    second = CustomerFactory(actor=clerk, id_number=number)
    first_token, second_token = _raw_column(first, "id_number"), _raw_column(second, "id_number")
    assert first_token.startswith(crypto.TOKEN_PREFIX)
    assert number not in first_token
    assert first_token != second_token
    assert _fresh(first).id_number == _fresh(second).id_number == number


@pytest.mark.django_db
def test_blind_index_is_stable_and_finds_the_row(clerk):
    customer = CustomerFactory(actor=clerk)
    number = _fresh(customer).id_number
    assert crypto.blind_index("id_number", number) == crypto.blind_index("id_number", number)
    assert _raw_column(customer, "id_number_index") == crypto.blind_index("id_number", number)
    assert list(Customer.objects.filter(id_number_index=crypto.blind_index("id_number", number))) == [customer]
    # Domains are separate: the same digits in another field index differently.
    assert crypto.blind_index("bank_account", number) != crypto.blind_index("id_number", number)


@pytest.mark.django_db
def test_a_value_copied_to_another_row_fails_to_decrypt(clerk):
    source, target = CustomerFactory(actor=clerk), CustomerFactory(actor=clerk)
    token = _raw_column(source, "id_number")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET id_number = %s WHERE id = %s", [token, target.pk])
    with pytest.raises(VaultError, match="does not decrypt"):
        _ = _fresh(target).id_number


@pytest.mark.django_db
def test_a_value_copied_to_another_field_of_the_same_row_fails_to_decrypt(clerk):
    customer = CustomerFactory(actor=clerk)
    token = _raw_column(customer, "id_number")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET bank_account = %s WHERE id = %s", [token, customer.pk])
    with pytest.raises(VaultError, match="bank_account"):
        _ = _fresh(customer).bank_account


@pytest.mark.django_db
def test_a_flipped_byte_fails_to_decrypt(clerk):
    customer = CustomerFactory(actor=clerk)
    token = _raw_column(customer, "id_number")
    raw = bytearray(base64.b64decode(token[len(crypto.TOKEN_PREFIX) :]))
    raw[20] ^= 0x01
    altered = crypto.TOKEN_PREFIX + base64.b64encode(bytes(raw)).decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET id_number = %s WHERE id = %s", [altered, customer.pk])
    with pytest.raises(VaultError, match="altered"):
        _ = _fresh(customer).id_number


@pytest.mark.django_db
def test_an_unknown_master_key_id_fails_with_an_error_naming_it(clerk, settings):
    customer = CustomerFactory(actor=clerk)
    DataKey.objects.filter(pk=customer.data_key_id).update(master_key_id="gone7")
    with pytest.raises(VaultError, match="'gone7'"):
        _ = _fresh(customer).id_number


@pytest.mark.django_db
def test_a_wrong_master_key_fails_loudly_and_never_returns_ciphertext(clerk, settings):
    customer = CustomerFactory(actor=clerk)
    key_id = DataKey.objects.get(pk=customer.data_key_id).master_key_id
    settings.CRM_FIELD_KEYS = f"{key_id}:{_new_key()}"
    with pytest.raises(VaultError, match=f"master key '{key_id}'"):
        _ = _fresh(customer).id_number


@pytest.mark.django_db
def test_a_looked_up_value_is_refused_rather_than_sent_as_plaintext(clerk):
    with pytest.raises(TypeError, match="blind index"):
        list(Customer.objects.filter(id_number=make_resident_id()))


@pytest.mark.django_db
def test_rotation_rewraps_every_data_key_and_the_old_master_key_can_be_dropped(clerk, settings):
    customers = [CustomerFactory(actor=clerk) for _ in range(5)]
    services.customer_update(actor=clerk, customer=customers[0], fields={"name": "李四"})  # a second history row
    expected = {c.pk: (_fresh(c).id_number, _fresh(c).bank_account) for c in customers}
    old_keys = settings.CRM_FIELD_KEYS
    old_id = old_keys.split(":")[0]
    settings.CRM_FIELD_KEYS = f"rot2:{_new_key()},{old_keys}"

    call_command("rotate_keys", "--batch-size", "2", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert not DataKey.objects.exclude(master_key_id="rot2").exists()
    settings.CRM_FIELD_KEYS = settings.CRM_FIELD_KEYS.split(",")[0]  # the old key is gone
    assert old_id not in settings.CRM_FIELD_KEYS
    for customer in customers:
        fresh = _fresh(customer)
        assert (fresh.id_number, fresh.bank_account) == expected[customer.pk]
        for record in customer.history.select_related("data_key"):
            assert record.id_number == expected[customer.pk][0]


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes_where_it_stopped(clerk, settings, monkeypatch):
    for _ in range(4):
        CustomerFactory(actor=clerk)
    settings.CRM_FIELD_KEYS = f"rot3:{_new_key()},{settings.CRM_FIELD_KEYS}"
    original = crypto.rewrap
    calls = {"n": 0}

    def crash_on_third(data_key):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(data_key)

    monkeypatch.setattr(crypto, "rewrap", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        vault_services.data_keys_rewrap(batch_size=2)
    assert DataKey.objects.filter(master_key_id="rot3").count() == 2  # the first batch committed
    monkeypatch.setattr(crypto, "rewrap", original)
    assert vault_services.data_keys_rewrap(batch_size=2) == 2
    assert vault_services.data_keys_stale_count() == 0


@pytest.mark.django_db
def test_deleting_the_data_key_leaves_values_and_history_unreadable(clerk):
    customer = CustomerFactory(actor=clerk)
    DataKey.objects.filter(pk=customer.data_key_id).delete()
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = _fresh(customer).id_number
    record = customer.history.select_related("data_key").get()
    with pytest.raises(crypto.DataKeyDestroyed):
        _ = record.id_number


@pytest.mark.django_db
def test_history_rows_keep_the_same_ciphertext_and_decrypt(clerk):
    customer = CustomerFactory(actor=clerk)
    fresh = services.customer_update(actor=clerk, customer=customer, fields={"name": "王五"})
    records = list(customer.history.select_related("data_key").order_by("history_id"))
    assert len(records) == 2
    assert {r.id_number for r in records} == {fresh.id_number}
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT id_number FROM customers_historicalcustomer WHERE id = %s", [customer.pk])
        assert [row[0] for row in cursor.fetchall()] == [_raw_column(customer, "id_number")]


@pytest.mark.django_db
def test_each_customer_has_its_own_data_key(clerk):
    first, second = CustomerFactory(actor=clerk), CustomerFactory(actor=clerk)
    assert first.data_key_id and second.data_key_id
    assert first.data_key_id != second.data_key_id
