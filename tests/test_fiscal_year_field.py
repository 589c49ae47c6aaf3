"""The one fiscal-year field (volunteer_centre.forms.FiscalYearField) the case list's filter
and the dashboards both use."""

import pytest
from django import forms

from volunteer_centre.forms import FiscalYearField
from volunteer_centre.ministry import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR


@pytest.mark.parametrize(
    ("typed", "year"),
    [("2569", 2569), ("๒๕๖๙", 2569), (" 2026 ", 2569), ("๒๐๑๙", 2562), ("", None), (None, None)],
)
def test_a_year_typed_in_be_gregorian_or_thai_digits(typed, year):
    assert FiscalYearField(required=False).clean(typed) == year


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("abc", "invalid"),
        ("1e3", "invalid"),
        ("2562.0", "invalid"),
        ("٢٥٦٢", "invalid"),  # Arabic-Indic digits, which int() would read as 2562
        ("๒" * 5000, "invalid"),
        ("2562\x00", "invalid"),
        (str(FIRST_FISCAL_YEAR - 1), "out_of_range"),
        ("1999", "out_of_range"),  # 2542, before the ministry
        (str(LAST_FISCAL_YEAR + 1), "out_of_range"),
    ],
)
def test_anything_else_is_refused_with_its_code(typed, code):
    with pytest.raises(forms.ValidationError) as refused:
        FiscalYearField(required=False).clean(typed)
    assert refused.value.code == code


def test_the_last_year_is_a_bound_and_the_choices_run_newest_first():
    field = FiscalYearField(last=2569, choices=True, required=False)
    assert field.clean("2569") == 2569
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("2570")
    assert refused.value.code == "out_of_range"
    assert "2546" in refused.value.messages[0]
    assert "2569" in refused.value.messages[0]
    years = [value for value, _label in field.widget.choices]
    assert years == list(range(2569, FIRST_FISCAL_YEAR - 1, -1))


def test_a_text_input_has_the_numeric_keyboard_and_four_digits():
    attrs = FiscalYearField().widget.attrs
    assert attrs == {"inputmode": "numeric", "maxlength": 4}
