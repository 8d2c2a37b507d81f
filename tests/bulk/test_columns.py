"""Cells as spreadsheets give them: Excel's scientific notation is refused, a code
that merely has an E between its digits is not."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bulk.columns import convert


@pytest.mark.parametrize("cell", ["1.10105E+17", "6.22202E+18", "1E+17", "1.2e-05"])
def test_excels_scientific_notation_is_refused_with_its_reason(cell):
    with pytest.raises(ValidationError, match="scientific|科学"):
        convert("id_number", cell)


@pytest.mark.parametrize("cell", ["9111010008E1234561", "91110100E81234561X"])
def test_a_social_credit_code_with_an_e_between_digits_is_not_scientific_notation(cell):
    assert convert("id_number", cell) == cell
