"""The normalisers and validators shared by the admin, the import and the staff forms."""

import datetime as dt

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.th import pin

from volunteer_centre.identity import format_national_id, format_phone, normalise_national_id
from volunteers.countries import thai_countries, thai_sort_key
from volunteers.validation import (
    NationalIDFormField,
    PhoneFormField,
    normalise_name,
    normalise_passport_number,
    normalise_registration_number,
    validate_birth_date,
    validate_latin_name,
    validate_person_name,
)

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

# Ways people type a national ID: plain, the printed form, spaces, Thai digits, a mix.
TYPED_FORMS = [
    lambda n: n,
    lambda n: format_national_id(n),
    lambda n: format_national_id(n).replace("-", " "),
    lambda n: n.translate(THAI),
    lambda n: format_national_id(n).translate(THAI),
    lambda n: f"  {n[:5]} - {n[5:]} ",
]

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12).filter(
    lambda d: d[0] != "9"  # no ID starts with 9
)


@given(body=twelve_digits, typed=st.sampled_from(TYPED_FORMS))
def test_any_twelve_digits_with_their_check_digit_are_accepted_however_typed(body, typed):
    national_id = body + pin.calc_check_digit(body)
    assert normalise_national_id(typed(national_id)) == national_id


@given(body=twelve_digits, last=st.sampled_from("0123456789"), typed=st.sampled_from(TYPED_FORMS))
def test_any_other_last_digit_is_refused(body, last, typed):
    if last == pin.calc_check_digit(body):
        return
    with pytest.raises(ValidationError) as error:
        normalise_national_id(typed(body + last))
    assert error.value.code == "national_id_checksum"


@pytest.mark.parametrize("digits", ["110170023070", "11017002307055"])
def test_twelve_or_fourteen_digits_are_refused_with_the_count(digits):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        normalise_national_id(digits)
    assert error.value.code == "national_id_length"
    assert str(len(digits)) in str(error.value.messages[0])


def test_a_national_id_is_shown_in_the_printed_form():
    assert format_national_id("1101700230708") == "1-1017-00230-70-8"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_thirteen_digits_are_printed_as_stdnum_prints_them(digits):
    assert format_national_id(digits) == pin.format(digits)


@given(st.sampled_from("123456789"), st.text(alphabet="0123456789", min_size=5, max_size=11))
def test_thai_numbers_are_shown_as_libphonenumber_shows_them(first, rest):
    # format_phone formats most Thai numbers itself (it is most of an export row's cost).
    number = phonenumbers.parse(f"+66{first}{rest}", None)
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    assert format_phone(f"+66{first}{rest}") == expected


def test_a_foreign_number_is_shown_in_the_international_form():
    assert format_phone("+81312345678") == "+81 3-1234-5678"
    assert format_phone("+856201234567") == phonenumbers.format_number(
        phonenumbers.parse("+856201234567"), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def test_the_national_id_form_field_cleans_and_shows_the_thai_way():
    field = NationalIDFormField(required=False)
    assert field.clean("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘") == "1101700230708"
    assert field.prepare_value("1101700230708") == "1-1017-00230-70-8"
    assert "maxlength" not in field.widget_attrs(field.widget)


@pytest.mark.parametrize(
    "typed", ["081-234-5678", "081 234 5678", "๐๘๑๒๓๔๕๖๗๘", "+66 81 234 5678", "0812345678"]
)
def test_a_mobile_number_is_stored_in_e164_and_shown_in_thai_form(typed):
    field = PhoneFormField(required=False)
    assert field.clean(typed) == "+66812345678"
    assert field.prepare_value("+66812345678") == "081 234 5678"


def test_a_bangkok_landline_is_accepted_and_a_short_number_refused():
    field = PhoneFormField(required=False)
    assert field.clean("02 123 4567") == "+6621234567"
    with pytest.raises(ValidationError) as refused:
        field.clean("12345")
    assert refused.value.code == "phone"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0012/2562", "0012/2562"),
        ("12/2562", "0012/2562"),
        ("๑๒/๒๕๖๒", "0012/2562"),
        (" 12 / 2562 ", "0012/2562"),
        ("12345/2562", "12345/2562"),
    ],
)
def test_registration_numbers_are_stored_as_nnnn_slash_be_year(typed, stored):
    assert normalise_registration_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0012/2019", "registration_number_gregorian"),
        ("0012", "registration_number_format"),
        ("AB/2562", "registration_number_format"),
        ("0000/2562", "registration_number_zero"),
    ],
)
def test_bad_registration_numbers_say_what_is_wrong(typed, code):
    with pytest.raises(ValidationError) as error:
        normalise_registration_number(typed)
    assert error.value.code == code


def test_a_registration_number_of_a_future_year_is_refused():
    next_year = timezone.localdate().year + 543 + 2
    with pytest.raises(ValidationError) as refused:
        normalise_registration_number(f"0001/{next_year}")
    assert refused.value.code == "registration_number_future"


def test_the_gregorian_year_message_gives_the_buddhist_era_year():
    with pytest.raises(ValidationError) as error, translation.override("en"):
        normalise_registration_number("0012/2019")
    assert "2562" in error.value.messages[0]


def test_passport_numbers_are_capitals_and_digits():
    assert normalise_passport_number("aa 123-4567") == "AA1234567"
    with pytest.raises(ValidationError) as refused:
        normalise_passport_number("12")
    assert refused.value.code == "passport_number"


@pytest.mark.parametrize("name", ["สมชาย", "น้ำผึ้ง", "กิตติ์", "ศรีสุข-วงศ์", "ร.ต.อ.", "José", "Nguyễn"])
def test_names_accept_letters_and_marks_of_any_script(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", ["สมชาย1", "สมชาย@", "<b>"])
def test_names_refuse_digits_and_symbols(name):
    with pytest.raises(ValidationError) as refused:
        validate_person_name(name)
    assert refused.value.code == "name_characters"


def test_a_latin_name_refuses_thai_letters():
    validate_latin_name("Takashi YAMAMOTO")
    with pytest.raises(ValidationError) as refused:
        validate_latin_name("ทาคาชิ")
    assert refused.value.code == "name_latin_script"


def test_names_are_stored_with_single_spaces_and_composed_marks():
    assert normalise_name("  สม   ชาย ") == "สม ชาย"
    assert normalise_name("e\u0301") == "é"


def test_birth_dates_in_the_future_or_impossibly_long_ago_are_refused():
    today = timezone.localdate()
    validate_birth_date(dt.date(1992, 5, 25))
    with pytest.raises(ValidationError) as future:
        validate_birth_date(today + dt.timedelta(days=1))
    assert future.value.code == "birth_date_future"
    with pytest.raises(ValidationError) as old:
        validate_birth_date(dt.date(1449, 5, 25))  # 1992 with 543 taken off twice
    assert old.value.code == "birth_date_too_old"


def test_countries_have_thai_names_in_thai_and_english_ones_in_english():
    with translation.override("th"):
        assert thai_countries.name("JP") == "ญี่ปุ่น"
    with translation.override("en"):
        assert thai_countries.name("JP") == "Japan"


def test_countries_are_found_by_code_and_by_name_in_either_language():
    assert thai_countries.find("jp") == "JP"
    assert thai_countries.find("JPN") == "JP"
    assert thai_countries.find("Japan") == "JP"
    assert thai_countries.find("ญี่ปุ่น") == "JP"
    assert thai_countries.find("Atlantis") == ""


def test_thai_choices_are_in_dictionary_order():
    words = ["ไก่", "ขวด", "กา", "โกง", "แก้ว", "เกาะ"]
    assert sorted(words, key=thai_sort_key) == ["กา", "เกาะ", "แก้ว", "โกง", "ไก่", "ขวด"]
    with translation.override("th"):
        names = [name for _code, name in thai_countries]
    assert names == sorted(names, key=thai_sort_key)
    assert names.index("กัมพูชา") < names.index("ญี่ปุ่น") < names.index("ไทย") < names.index("ลาว")


# -- properties of the date and number readers ----------------------------------------------------

# Four-digit Gregorian years run to 2399; a BE year is 2400 or more, so BE forms are drawn from
# Gregorian 1857 on.
any_day = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2399, 12, 31))
be_day = st.dates(min_value=dt.date(1857, 1, 1), max_value=dt.date(2399, 12, 31))
SEPARATORS = st.sampled_from(["/", ".", "-", " / "])
THAI_MONTH_NAMES = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]


@given(day=be_day, sep=SEPARATORS, thai_digits=st.booleans(), pad=st.booleans())
def test_a_buddhist_era_date_reads_back_as_its_gregorian_day(day, sep, thai_digits, pad):
    from volunteers.importing import parse_date_cell

    text = (f"{day.day:02d}{sep}{day.month:02d}" if pad else f"{day.day}{sep}{day.month}") + (
        f"{sep}{day.year + 543}"
    )
    assert parse_date_cell(text.translate(THAI) if thai_digits else text) == day


@given(day=any_day.filter(lambda d: d.year < 2400), sep=SEPARATORS)
def test_a_gregorian_date_reads_as_itself_in_both_orders(day, sep):
    from volunteers.importing import parse_date_cell

    assert parse_date_cell(f"{day.day}{sep}{day.month}{sep}{day.year:04d}") == day
    assert parse_date_cell(day.isoformat()) == day


@given(day=be_day)
def test_thai_month_names_and_excel_date_cells_read_the_buddhist_era_too(day):
    from volunteers.importing import parse_date_cell

    named = f"{day.day} {THAI_MONTH_NAMES[day.month - 1]} {day.year + 543}"
    assert parse_date_cell(named) == day
    try:  # an Excel date cell typed with the BE year (no 29 February where BE is not leap)
        cell = dt.date(day.year + 543, day.month, day.day)
    except ValueError:
        return
    assert parse_date_cell(cell) == day


@given(year=st.integers(min_value=10000, max_value=10**30) | st.integers(0, 999), sep=SEPARATORS)
def test_a_year_of_other_than_four_digits_is_refused_never_overflows(year, sep):
    from volunteers.importing import parse_date_cell

    with pytest.raises(ValidationError) as error:
        parse_date_cell(f"01{sep}01{sep}{year}")
    assert error.value.code in ("date_short_year", "date_format")


@given(
    number=st.integers(min_value=1, max_value=999999),
    year=st.integers(min_value=2400, max_value=2569),
    zeros=st.integers(min_value=0, max_value=3),
    spaces=st.sampled_from(["", " ", "  "]),
    thai_digits=st.booleans(),
)
def test_any_registration_number_is_stored_as_nnnn_slash_be_year(
    number, year, zeros, spaces, thai_digits
):
    typed = f"{spaces}{'0' * zeros}{number}{spaces}/{spaces}{year}{spaces}"
    if len("0" * zeros + str(number)) > 6:
        return  # more than six digits is not a registration number
    stored = normalise_registration_number(typed.translate(THAI) if thai_digits else typed)
    assert stored == f"{number:04d}/{year}"
    assert normalise_registration_number(stored) == stored  # stored numbers read back unchanged


@given(number=st.integers(min_value=1, max_value=9999), year=st.integers(1000, 2399))
def test_a_registration_number_with_a_gregorian_year_is_refused_with_its_be_year(number, year):
    with pytest.raises(ValidationError) as error:
        normalise_registration_number(f"{number}/{year}")
    assert error.value.code == "registration_number_gregorian"
    assert error.value.params["be"] == year + 543
