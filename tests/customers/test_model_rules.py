"""The customer record's rules (SPEC §3), as `Customer.full_clean()` applies them."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers import services
from customers.models import Customer, Status
from tests.factories import (
    CustomerFactory,
    individual_fields,
    make_bank_account,
    make_resident_id,
    organization_fields,
)


def _error_codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def _create(clerk, **fields) -> Customer:
    return services.customer_create(actor=clerk, fields=fields)


@pytest.mark.django_db
def test_typed_spellings_are_folded_into_one_form_before_validation(clerk):
    number = make_resident_id(date(1985, 6, 1), sequence=77)  # ends in a digit or X
    customer = _create(
        clerk,
        **individual_fields(
            1,
            name="\u3000张\u3000三丰 ",
            id_number=" "
            + number[:6]
            + " "
            + number[6:].lower().translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            mobile="0086 138-1234-5678",
            email="Zhang.San＠Example.ＣＯＭ ",
            postal_code="１０００２０",
            bank_account=" ".join(re.findall(".{1,4}", make_bank_account(1))),
        ),
    )
    customer.refresh_from_db()
    assert customer.name == "张 三丰"
    assert customer.id_number == number
    assert customer.mobile.as_e164 == "+8613812345678"
    assert customer.email == "Zhang.San@example.com"
    assert customer.postal_code == "100020"
    assert customer.bank_account == make_bank_account(1)


@pytest.mark.django_db
def test_chinese_punctuation_in_names_and_notes_is_kept_as_typed(clerk):
    customer = _create(
        clerk,
        **organization_fields(9, name="华信科技（北京）有限公司　", pain_points="对账周期长，需要更快的结算：月结"),
    )
    assert customer.name == "华信科技（北京）有限公司"
    assert customer.pain_points == "对账周期长，需要更快的结算：月结"


@pytest.mark.django_db
def test_full_width_and_plus86_mobile_numbers_are_accepted(clerk):
    for n, spelling in enumerate(["１３８１２３４５６７８", "+86 13812345678", "+86-138-1234-5678", "138 1234 5678"]):
        customer = _create(clerk, **individual_fields(n + 10, mobile=spelling))
        assert str(customer.mobile) == "+8613812345678"


@pytest.mark.django_db
def test_birth_date_and_gender_are_filled_from_the_resident_id_when_blank(clerk):
    number = make_resident_id(date(1979, 12, 31), sequence=124)  # even sequence: female
    customer = _create(clerk, **individual_fields(2, id_number=number))
    assert customer.birth_date == date(1979, 12, 31)
    assert customer.gender == "female"


@pytest.mark.django_db
def test_a_birth_date_that_disagrees_with_the_resident_id_is_refused_on_the_birth_date(clerk):
    number = make_resident_id(date(1979, 12, 31))
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(3, id_number=number, birth_date=date(1979, 12, 30)))
    assert _error_codes(caught.value) == {"birth_date": ["id_mismatch"]}
    assert "1979-12-31" in caught.value.message_dict["birth_date"][0]


@pytest.mark.django_db
def test_a_gender_that_disagrees_with_the_resident_id_is_refused_on_the_gender(clerk):
    number = make_resident_id(date(1979, 12, 31), sequence=123)  # odd: male
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(4, id_number=number, gender="female"))
    assert _error_codes(caught.value) == {"gender": ["id_mismatch"]}


@pytest.mark.django_db
def test_a_wrong_checksum_is_refused_on_the_id_number_and_nothing_is_written(clerk):
    number = make_resident_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(5, id_number=wrong))
    assert list(caught.value.error_dict) == ["id_number"]
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_an_id_number_needs_its_type_and_the_other_way_round(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(6, id_type=""))
    assert _error_codes(caught.value) == {"id_type": ["required"]}
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(6, id_number=""))
    assert _error_codes(caught.value) == {"id_number": ["required"]}


@pytest.mark.django_db
def test_the_customer_must_be_reachable_one_way_at_least(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(7, mobile="", phone="", email=""))
    assert _error_codes(caught.value) == {"mobile": ["required"]}
    assert _create(clerk, **individual_fields(8, mobile="", email="a@b.cn")).email == "a@b.cn"


@pytest.mark.django_db
def test_a_landline_is_not_accepted_as_a_mobile(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(9, mobile="010 6552 9988"))
    assert _error_codes(caught.value) == {"mobile": ["not_mobile"]}


@pytest.mark.django_db
def test_an_organization_needs_a_contact_person_and_a_social_credit_code(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **organization_fields(1, contact_person="", id_type="resident_id", id_number=make_resident_id()))
    assert _error_codes(caught.value) == {"contact_person": ["required"], "id_type": ["id_type"]}


@pytest.mark.django_db
def test_fields_of_the_other_kind_are_refused(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **organization_fields(2, gender="male"))
    assert _error_codes(caught.value) == {"gender": ["kind"]}
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(10, industry="C"))
    assert _error_codes(caught.value) == {"industry": ["kind"]}


@pytest.mark.django_db
def test_the_social_credit_code_is_checked(clerk):
    good = organization_fields(3)["id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **organization_fields(3, id_number=bad))
    assert list(caught.value.error_dict) == ["id_number"]
    assert _create(clerk, **organization_fields(3, id_number=good.lower())).id_number == good


@pytest.mark.django_db
def test_bank_account_and_postal_code_are_checked(clerk):
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **individual_fields(11, bank_account="6222021234567890123", postal_code="10002"))
    assert set(caught.value.error_dict) == {"bank_account", "postal_code"}


@pytest.mark.django_db
def test_future_dates_are_refused(clerk):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        _create(clerk, **organization_fields(4, founded_on=tomorrow))
    assert _error_codes(caught.value) == {"founded_on": ["future"]}


@pytest.mark.django_db
def test_consent_is_required_before_submitting_but_not_for_a_draft(clerk):
    customer = _create(clerk, **individual_fields(12, consent_purpose="", consent_at=None, retention_until=None))
    assert customer.status == Status.DRAFT
    with pytest.raises(ValidationError) as caught:
        services.customer_submit(actor=clerk, customer=customer)
    assert set(caught.value.error_dict) == {"consent_purpose", "consent_at", "retention_until"}
    customer.refresh_from_db()
    assert customer.status == Status.DRAFT


@pytest.mark.django_db
def test_a_child_under_14_needs_a_guardians_consent(clerk):
    born = timezone.localdate().replace(year=timezone.localdate().year - 10, month=1, day=15)
    customer = _create(clerk, **individual_fields(13, id_number=make_resident_id(born)))
    assert customer.age in (9, 10)
    with pytest.raises(ValidationError) as caught:
        services.customer_submit(actor=clerk, customer=customer)
    assert set(caught.value.error_dict) == {"guardian_name", "guardian_consent_at"}
    services.customer_update(
        actor=clerk,
        customer=customer,
        fields={"guardian_name": "张父", "guardian_consent_at": timezone.now() - timedelta(hours=1)},
    )
    assert services.customer_submit(actor=clerk, customer=customer).status == Status.PENDING


@pytest.mark.django_db
def test_age_is_computed_from_the_birth_date():
    today = timezone.localdate()
    customer = Customer(birth_date=today.replace(year=today.year - 30))
    assert customer.age == 30
    customer.birth_date = customer.birth_date + timedelta(days=1)
    assert customer.age == 29
    assert "age" not in {f.name for f in Customer._meta.get_fields()}


@pytest.mark.django_db
def test_archive_numbers_follow_the_format_and_never_change(clerk):
    customer = CustomerFactory(actor=clerk)
    assert re.fullmatch(rf"KH{timezone.localdate().year}\d{{6}}", customer.archive_no)
    updated = services.customer_update(actor=clerk, customer=customer, fields={"name": "改名"})
    assert updated.archive_no == customer.archive_no


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clerks_saving_at_the_same_moment_never_share_an_archive_number(clerk):
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def enter(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(CustomerFactory(actor=clerk, n=500 + n).archive_no)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 6
    assert len(set(results)) == 6


@pytest.mark.django_db
def test_the_database_refuses_a_reviewer_who_is_the_maker(clerk):
    customer = CustomerFactory(actor=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(reviewed_by=clerk)
