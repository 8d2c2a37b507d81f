"""Identity, bank and postal numbers (SPEC §3), property-based with hypothesis.

Every generated valid number is accepted in every harmless spelling; every single
substitution and adjacent transposition of a resident ID is refused."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric, uscc

from customers import validators as v

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ADDRESS_CODES = sorted(v._known_address_codes())
PUBLISHED_USCC = [
    line.strip()
    for line in (Path(__file__).parent / "data" / "stdnum_uscc_numbers.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
EXAMPLES = settings(max_examples=150, deadline=None)


def _code(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return error.value.code


@st.composite
def resident_ids(draw) -> str:
    place = draw(st.sampled_from(ADDRESS_CODES))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=timezone.localdate() - timedelta(days=1)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{place}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def social_credit_codes(draw) -> str:
    head = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    tail = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    body = head + tail
    return body + uscc.calc_check_digit(body + "0")


@st.composite
def bank_accounts(draw) -> str:
    length = draw(st.integers(min_value=12, max_value=19))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    if length >= 16:
        return body + luhn.calc_check_digit(body)
    return body + draw(st.sampled_from("0123456789"))


@st.composite
def harmless_spellings(draw, value: str) -> str:
    """What an input method or a copy from a document makes of a value."""
    text = value
    if draw(st.booleans()):
        text = text.lower()
    if draw(st.booleans()):
        text = text.upper().translate(FULL_WIDTH)
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(text) - 1), max_size=4)), reverse=True)
    for cut in cuts:
        text = text[:cut] + draw(st.sampled_from([" ", "-", "\u3000", "－", "  "])) + text[cut:]
    return draw(st.sampled_from(["", " ", "\u3000"])) + text + draw(st.sampled_from(["", " ", "\u3000"]))


@EXAMPLES
@given(data=st.data(), number=resident_ids())
def test_every_valid_resident_id_is_accepted_in_every_harmless_spelling(data, number):
    typed = data.draw(harmless_spellings(number))
    normalised = v.normalize_code(typed)
    assert normalised == number
    v.validate_resident_id(normalised)
    assert v.resident_id_birth_date(normalised) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert v.resident_id_gender(normalised) == ("male" if int(number[16]) % 2 else "female")


@EXAMPLES
@given(
    number=resident_ids(), position=st.integers(min_value=0, max_value=17), replacement=st.sampled_from("0123456789X")
)
def test_every_single_character_substitution_of_a_resident_id_is_refused(number, position, replacement):
    assume(number[position] != replacement)
    assume(position == 17 or replacement != "X")
    mistyped = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        v.validate_resident_id(mistyped)


@EXAMPLES
@given(number=resident_ids(), position=st.integers(min_value=0, max_value=16))
def test_every_adjacent_transposition_of_a_resident_id_is_refused(number, position):
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    with pytest.raises(ValidationError):
        v.validate_resident_id(swapped)


@EXAMPLES
@given(data=st.data(), code=social_credit_codes())
def test_every_valid_social_credit_code_is_accepted_in_every_harmless_spelling(data, code):
    typed = data.draw(harmless_spellings(code))
    assert v.normalize_code(typed) == code
    v.validate_uscc(v.normalize_code(typed))


@EXAMPLES
@given(code=social_credit_codes(), position=st.integers(min_value=0, max_value=17), data=st.data())
def test_a_mistyped_social_credit_code_is_refused(code, position, data):
    replacement = data.draw(st.sampled_from(USCC_ALPHABET))
    assume(code[position] != replacement)
    with pytest.raises(ValidationError):
        v.validate_uscc(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_real_published_social_credit_codes_are_accepted(code):
    v.validate_uscc(v.normalize_code(code))


def test_the_published_list_is_all_there():
    assert len(PUBLISHED_USCC) == 383


@EXAMPLES
@given(data=st.data(), number=bank_accounts())
def test_every_valid_bank_number_is_accepted_with_spaces_dashes_or_full_width_digits(data, number):
    typed = data.draw(harmless_spellings(number))
    normalised = v.normalize_bank_account(typed)
    assert normalised == number
    v.validate_bank_account(normalised)


@EXAMPLES
@given(number=bank_accounts(), position=st.integers(min_value=0, max_value=18), digit=st.sampled_from("0123456789"))
def test_a_single_mistyped_digit_of_a_long_bank_number_is_refused(number, position, digit):
    assume(len(number) >= 16 and position < len(number) and number[position] != digit)
    with pytest.raises(ValidationError) as error:
        v.validate_bank_account(number[:position] + digit + number[position + 1 :])
    assert _code(error) == "checksum"


@EXAMPLES
@given(number=resident_ids())
def test_mobile_spellings_with_prefixes_are_not_confused_with_ids(number):
    # An 18-character ID never parses as anything but itself.
    assert v.normalize_code(f"+86 {number}") == f"+86{number}"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11010519900307123", "format"),  # 17 characters
        ("1101051990030712345", "format"),  # 19
        ("11010519900307123Y", "format"),
        ("110105199003071230", "checksum"),
    ],
)
def test_resident_id_format_and_checksum_errors_are_named(value, code):
    with pytest.raises(ValidationError) as error:
        v.validate_resident_id(value)
    assert _code(error) == code


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        v.validate_resident_id(_with_check_digit(f"110105{tomorrow:%Y%m%d}123"))
    assert _code(error) == "birth_date"


def test_a_birth_before_1900_or_an_impossible_date_is_refused():
    for body in ("11010518991231123", "11010519900230123"):
        with pytest.raises(ValidationError) as error:
            v.validate_resident_id(_with_check_digit(body))
        assert _code(error) == "birth_date"


def test_an_address_code_gb_t_2260_never_knew_is_refused():
    with pytest.raises(ValidationError) as error:
        v.validate_resident_id(_with_check_digit("00000019900307123"))
    assert _code(error) == "address_code"


def test_an_address_code_created_after_the_birth_year_is_accepted():
    # Shanghai's Pudong New Area (310115) dates from the 1990s: a person born in
    # 1960 received such a number when it was issued there. python-stdnum's
    # ric.validate refuses it because it compares the code with the birth year.
    number = _with_check_digit("31011519600307123")
    assert not ric.is_valid(number)
    v.validate_resident_id(number)


def test_a_retired_address_code_is_still_accepted():
    number = _with_check_digit("11010319800101123")  # 崇文区, merged away in 2010
    v.validate_resident_id(number)


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        ("passport", ["E12345678", "G1234567", "12345", "AB1234567890CDEFG"], ["1234", "E1234@5678", "护照123456"]),
        ("hk_macao_permit", ["H12345678", "M1234567890"], ["H1234567", "A12345678", "H123456789"]),
        ("taiwan_permit", ["12345678", "1234567890"], ["123456789", "T12345678"]),
        (
            "foreign_permanent_id",
            ["USA123456789012", _with_check_digit("91110119800101123")],
            ["US1234567890123", "USA12345678901", "USA110070112"],
        ),
    ],
)
def test_other_id_types_follow_their_formats(id_type, good, bad):
    for value in good:
        v.validate_id_number(id_type, v.normalize_code(value))
    for value in bad:
        with pytest.raises(ValidationError):
            v.validate_id_number(id_type, v.normalize_code(value))


def test_an_18_digit_permanent_residence_id_needs_its_check_digit():
    good = _with_check_digit("91110119800101123")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        v.validate_foreign_permanent_id(bad)
    assert _code(error) == "checksum"


def test_an_unknown_id_type_is_refused():
    with pytest.raises(ValidationError) as error:
        v.validate_id_number("library_card", "123")
    assert _code(error) == "id_type"


@pytest.mark.parametrize(
    ("value", "code"),
    [("6222abc123456789", "format"), ("12345678901", "length"), ("12345678901234567890", "length")],
)
def test_bank_number_errors_are_named(value, code):
    with pytest.raises(ValidationError) as error:
        v.validate_bank_account(value)
    assert _code(error) == code


def test_short_bank_numbers_are_not_luhn_checked():
    v.validate_bank_account("123456789012")  # 12 digits: a passbook account, no check digit


def test_postal_codes_have_six_digits():
    v.validate_postal_code(v.normalize_code("１００ ０２０"))
    for bad in ("10002", "1000200", "10002A"):
        with pytest.raises(ValidationError) as error:
            v.validate_postal_code(bad)
        assert _code(error) == "format"


@pytest.mark.parametrize("value", ["", "\x00", "１２３" * 1000, "😀" * 18, "ＸＸＸ"])
def test_validators_refuse_nonsense_without_crashing(value):
    for validator in [*v.ID_NUMBER_VALIDATORS.values(), v.validate_bank_account, v.validate_postal_code]:
        with pytest.raises(ValidationError):
            validator(v.normalize_code(value))
