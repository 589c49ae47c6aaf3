import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from volunteer_centre.dates import parse_date
from volunteer_centre.forms import ThaiDateField
from volunteer_centre.identity import normalise_postcode
from volunteer_centre.thai import fiscal_year, fiscal_year_bounds, to_arabic_digits

LAUNCH = dt.date(2017, 5, 25)


def render_date(value, lang):
    with translation.override(lang):
        return Template("{{ d|date }}").render(Context({"d": value}))


def test_thai_shows_buddhist_era_and_english_shows_gregorian():
    assert render_date(LAUNCH, "th") == "25 พ.ค. 2560"
    assert render_date(LAUNCH, "en") == "25 May 2017"


def test_localized_dates_and_datetimes_follow_the_language():
    moment = dt.datetime(2019, 3, 11, 9, 30)  # noqa: DTZ001 - a naive value to format
    with translation.override("th"):
        assert formats.date_format(LAUNCH) == "25 พ.ค. 2560"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "11 มี.ค. 2562 09:30 น."
        assert formats.date_format(LAUNCH, "y") == "60"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "11 Mar 2019 09:30"


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (dt.date(2018, 9, 30), 2561),
        (dt.date(2018, 10, 1), 2562),
        (dt.date(2019, 9, 30), 2562),
        (dt.date(2019, 10, 1), 2563),
        (dt.date(2019, 12, 31), 2563),
        (dt.date(2020, 1, 1), 2563),
        (dt.date(2020, 2, 29), 2563),
        (dt.date(2025, 10, 1), 2569),
        (dt.date(2026, 9, 30), 2569),
    ],
)
def test_fiscal_year_is_named_by_the_be_year_it_ends_in(day, fy):
    assert fiscal_year(day) == fy


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2562) == (dt.date(2018, 10, 1), dt.date(2019, 9, 30))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2300, 12, 31)))
def test_every_day_lies_inside_the_bounds_of_its_fiscal_year(day):
    start, end = fiscal_year_bounds(fiscal_year(day))
    assert start <= day <= end
    assert (end - start).days in (364, 365)


def test_leap_day_in_buddhist_era_renders_and_parses():
    assert render_date(dt.date(2020, 2, 29), "th") == "29 ก.พ. 2563"
    assert parse_date("29/02/2563") == dt.date(2020, 2, 29)
    assert parse_date("29/02/2562") is None  # 2019 had no 29 February


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/05/2560", LAUNCH),
        ("25/05/2017", LAUNCH),
        ("2017-05-25", LAUNCH),
        ("๒๕/๐๕/๒๕๖๐", LAUNCH),
        (" 25-5-2560 ", LAUNCH),
        ("31/12/2562", dt.date(2019, 12, 31)),
        ("1/1/2563", dt.date(2020, 1, 1)),
    ],
)
def test_dates_are_accepted_in_be_gregorian_and_thai_digits(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "25/13/2560", "32/01/2560", "tomorrow", "25/05/60"])
def test_nonsense_dates_are_refused(text):
    assert parse_date(text) is None


def test_thai_date_field_explains_the_expected_form_in_thai():
    field = ThaiDateField()
    with translation.override("th"):
        with pytest.raises(ValidationError) as error:
            field.clean("31/02/2560")
        # In Thai, not merely with a BE example (the English message has 2560 too).
        assert "กรุณากรอกวันที่ให้ถูกต้อง" in str(error.value)
        assert "Enter a valid date" not in str(error.value)
    assert field.clean("๒๕/๐๕/๒๕๖๐") == LAUNCH


def test_thai_digits_become_arabic():
    assert to_arabic_digits("๑๒๓๔๕๖๗๘๙๐") == "1234567890"


def test_whole_numbers_take_ascii_and_thai_digits_and_nothing_else():
    from volunteer_centre.thai import whole_number

    assert whole_number("2562", 4) == whole_number("๒๕๖๒", 4) == 2562
    assert whole_number(" 42 ", 10) == 42
    for bad in ["²", "١٢", "1e9", "-1", "", "12345", "9" * 5000, None, "１２"]:
        assert whole_number(bad, 4) is None, bad


@pytest.mark.parametrize(
    ("typed", "postcode"), [("10220", "10220"), (" ๑๐๒๒๐ ", "10220"), ("", "")]
)
def test_a_postcode_is_five_digits_ascii_or_thai(typed, postcode):
    assert normalise_postcode(typed) == postcode


@pytest.mark.parametrize("typed", ["1022", "102200", "1022²", "١٠٢٢٠", "10 220", "abcde"])
def test_anything_else_is_not_a_postcode(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_postcode(typed)
    assert refused.value.code == "postcode"
