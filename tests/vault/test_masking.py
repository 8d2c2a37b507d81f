"""Masks of ID and bank numbers (issue 14 §2): never too little hidden, and no
pretended length — one star per hidden character."""

from __future__ import annotations

import pytest

from customers.presentation import masked_value
from vault.masking import mask_bank_account, mask_id_number, mask_sensitive

# One real-looking number per ID type (customers.models.IdType), by length.
ID_NUMBERS = {
    "resident_id": ("110105199003070217", "110***********0217"),
    "passport": ("E12345678", "E******78"),
    "passport_short": ("G1234", "***34"),
    "passport_long": ("ABC12345678901234", "AB***********1234"),
    "hk_macao_permit": ("H12345678", "H******78"),
    "hk_macao_permit_long": ("M1234567890", "M*******890"),
    "taiwan_permit": ("12345678", "1*****78"),
    "taiwan_permit_long": ("1234567890", "1******890"),
    "foreign_permanent_id_old": ("USA123456789012", "US*********9012"),
    "foreign_permanent_id": ("911234199001011234", "911***********1234"),
    "uscc": ("91110108MA01A2B3C4", "911***********B3C4"),
}


def _shown(mask: str) -> int:
    return sum(1 for c in mask if c != "*")


@pytest.mark.parametrize(("number", "expected"), ID_NUMBERS.values(), ids=ID_NUMBERS.keys())
def test_each_id_type_is_masked_to_at_most_two_fifths_and_keeps_its_length(number, expected):
    mask = mask_id_number(number)
    assert mask == expected
    assert len(mask) == len(number)
    assert _shown(mask) <= min(7, len(number) * 2 // 5)
    assert masked_value("id_number", number) == expected


@pytest.mark.parametrize("length", range(12, 20))
def test_a_bank_account_of_12_to_19_digits_shows_few_digits_and_one_star_per_hidden_digit(length):
    account = "6222021234567891234"[:length]
    mask = mask_bank_account(account)
    assert len(mask) == length and mask.count("*") == length - _shown(mask)
    assert _shown(mask) <= length * 2 // 5 and _shown(mask) <= 7
    assert mask.endswith(account[-3:]) if length < 15 else mask.endswith(account[-4:])
    assert masked_value("bank_account", account) == mask


def test_the_familiar_masks_stay_as_they_were_for_18_characters_and_shrink_for_12():
    assert mask_id_number("110105199003070217") == "110***********0217"
    assert mask_bank_account("6222021234567891234") == "622************1234"
    assert mask_bank_account("622202123456") == "6********456"
    assert "**** **** ****" not in mask_bank_account("622202123456")


@pytest.mark.parametrize("length", range(0, 20))
def test_no_length_shows_more_than_two_fifths(length):
    value = "1234567890123456789"[:length]
    mask = mask_sensitive(value)
    assert len(mask) == length
    assert _shown(mask) <= length * 2 // 5
    assert _shown(mask) == 0 if length <= 4 else _shown(mask) >= 2
