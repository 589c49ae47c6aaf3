"""The one reading of a typed date (volunteer_centre.dates), as the staff forms, the admin and
the import all use it: what one accepts, the others accept."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from volunteer_centre.dates import read_date
from volunteer_centre.forms import ThaiDateField
from volunteers.importing import parse_date_cell

LAUNCH = dt.date(2017, 5, 25)


@pytest.mark.parametrize(
    "typed",
    [
        "25/05/2560",
        "25/05/2017",
        "2017-05-25",
        "๒๕/๐๕/๒๕๖๐",
        " 25 - 5 - 2560 ",
        "25 พ.ค. 2560",
        "25 พฤษภาคม 2560",
        "25 พค 2560",
        "2017-05-25 00:00:00",
    ],
)
def test_a_date_reads_the_same_in_a_form_and_in_the_import(typed):
    assert read_date(typed) == LAUNCH
    assert ThaiDateField().clean(typed) == LAUNCH
    assert parse_date_cell(typed) == LAUNCH


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2560-05-25", "date_be_in_iso"),
        ("25/05/60", "date_short_year"),
        ("25/05/25600", "date_short_year"),
        ("31/02/2560", "no_such_day"),
        ("25 มีนา 2560", "date_format"),
        ("tomorrow", "date_format"),
        (43000, "date_number"),
    ],
)
def test_anything_else_is_refused_everywhere(typed, code):
    with pytest.raises(ValidationError) as refused:
        read_date(typed)
    assert refused.value.code == code
    with pytest.raises(ValidationError) as refused:
        ThaiDateField().clean(str(typed))
    assert refused.value.code == "invalid"


def test_the_be_year_month_day_refusal_says_what_to_write():
    with pytest.raises(ValidationError) as refused:
        read_date("2560-05-25")
    assert "2017-05-25" in refused.value.messages[0]
    assert "25/05/2560" in refused.value.messages[0]


@pytest.mark.parametrize("cell", [dt.date(2560, 5, 25), dt.date(2017, 5, 25)])
def test_a_spreadsheet_date_cell_with_a_be_year_is_read_as_its_gregorian_day(cell):
    assert read_date(cell) == LAUNCH
    assert parse_date_cell(cell) == LAUNCH


def test_nothing_typed_is_no_date():
    assert read_date("") is None
    assert read_date("   ") is None
    assert read_date(None) is None
