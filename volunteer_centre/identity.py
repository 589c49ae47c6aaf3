"""Thai national ID numbers and phone numbers: clean what people type, refuse what is wrong.

The arithmetic is python-stdnum's (stdnum.th.pin) and libphonenumber's (phonenumbers); this
module only adds Thai digits, the error messages our users read, and the display forms.
"""

import operator
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.th import pin

from volunteer_centre.thai import to_arabic_digits

# What people type between the digits of an ID: whitespace, dashes (en dashes too), dots.
_ID_SEPARATORS = re.compile(r"[\s\-–.]")


def compact_id(value: str) -> str:
    """An ID number as typed (a national ID, a house registration code), without the separators
    people type between its digits and with Thai digits made 0-9: ``๑-๑๐๑๗ 00230.70.8`` ->
    ``1101700230708``. Nothing is checked: the caller tests the length and the digits.
    (normalise_national_id, which checks, compacts as stdnum does: spaces and dashes only.)"""
    return _ID_SEPARATORS.sub("", to_arabic_digits(str(value or "")))


def normalise_national_id(value: str) -> str:
    """Return the 13 digits of a national ID typed with dashes, spaces or Thai digits.

    Raises ValidationError with a message saying what is wrong (length, characters, check digit).
    IDs starting with 0 (documents of people without Thai nationality) are accepted: stdnum
    refuses them, but they carry the same check digit.
    """
    text = to_arabic_digits(str(value or ""))
    if not (len(text) == 13 and text.isascii() and text.isdigit()):
        # Thirteen digits already are what compact() would give: an import skips it a
        # hundred thousand times.
        text = pin.compact(text)
    if not text.isdigit():
        raise ValidationError(
            _("A national ID has digits only, with dashes or spaces if you like."),
            code="national_id_format",
        )
    if len(text) != 13:
        raise ValidationError(
            _("A national ID has 13 digits; this one has %(count)d."),
            code="national_id_length",
            params={"count": len(text)},
        )
    if text[0] == "9":
        raise ValidationError(_("No national ID starts with 9."), code="national_id_prefix")
    if text[-1] != _check_digit(text):
        raise ValidationError(
            _("The check digit (the last digit) does not match: please check the number."),
            code="national_id_checksum",
        )
    if text[0] != "0" and not text.isascii():
        # What stdnum.th.pin.validate would still refuse: digits of another script. The rest of
        # what it checks (length, first digit, check digit) is done above: not calling it saves
        # an import of a hundred thousand rows a few seconds.
        raise ValidationError(_("This is not a valid national ID."), code="national_id")
    return text


# stdnum.th.pin.calc_check_digit's weights (2 - i), its sum without a generator: the import
# checks a hundred thousand of these.
_PIN_WEIGHTS = tuple(2 - i for i in range(12))


def _check_digit(digits: str) -> str:
    return str((1 - sum(map(operator.mul, _PIN_WEIGHTS, map(int, digits[:12]))) % 11) % 10)


def format_national_id(digits: str) -> str:
    """1101700230708 -> 1-1017-00230-70-8; anything else is returned unchanged."""
    if len(digits or "") == 13 and digits.isdigit():
        # stdnum's pin.format, without its compact() again: exports format a million of these.
        d = digits
        return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"
    return digits or ""


def validate_national_id(value: str) -> None:
    """Model field validator: the stored value must be 13 digits with a valid check digit."""
    if normalise_national_id(value) != value:
        raise ValidationError(_("Store the national ID as 13 digits."), code="national_id")


def normalise_phone(value: str) -> str:
    """Return a Thai mobile or landline number in E.164 (+66812345678), or raise."""
    text = to_arabic_digits(str(value or "")).strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a phone number such as 081 234 5678 or 02 123 4567."), code="phone"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a phone number such as 081 234 5678 or 02 123 4567."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """+66812345678 -> 081 234 5678 (national form for Thai numbers, international otherwise)."""
    if not e164:
        return ""
    if (fast := _format_thai_phone(e164)) is not None:
        return fast
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    form = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 66
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, form)


class PersonDisplayMixin:
    """How a person is shown, for every model of a person (volunteers, people helped):
    นายสมชาย ใจดี, 1-1017-00230-70-8, 081 234 5678."""

    # The fields of the person model this goes before.
    title: str
    first_name: str
    last_name: str
    national_id: str | None
    phone: str

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in [self.title + self.first_name, self.last_name] if p)

    @property
    def national_id_display(self) -> str:
        return format_national_id(self.national_id or "")

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


def _format_thai_phone(e164: str) -> str | None:
    """libphonenumber's national form of a Thai number in E.164, by its rules for Thailand
    (the first digit and the length choose the grouping), or None for any other number.

    Parsing with phonenumbers costs some 40 µs a number, the most of an export row; what this
    returns is checked against phonenumbers for every leading digit and length in the tests.
    """
    nsn = e164[3:]
    if not (e164.startswith("+66") and nsn.isascii() and nsn.isdigit()):
        return None
    if nsn[0] == "2" and len(nsn) == 8:  # Bangkok: 02 123 4567
        return f"0{nsn[0]} {nsn[1:4]} {nsn[4:]}"
    if nsn[0] in "13456789" and len(nsn) in (8, 9):  # other lines and mobiles: 081 234 5678
        return f"0{nsn[:2]} {nsn[2:5]} {nsn[5:]}"
    if nsn[0] == "1" and len(nsn) == 10:  # 1800 123 456, written without the 0
        return f"{nsn[:4]} {nsn[4:7]} {nsn[7:]}"
    return None


_POSTCODE = re.compile(r"[0-9]{5}")


def normalise_postcode(value: str | None) -> str:
    """A Thai postcode: five digits, ASCII or Thai (๑๐๒๒๐ -> 10220), or nothing.

    Raises ValidationError (code ``postcode``) for anything else. str.isdigit() is no test: it
    passes "²" and other scripts' digits.
    """
    text = to_arabic_digits(value or "").strip()
    if text and not _POSTCODE.fullmatch(text):
        raise ValidationError(_("A postcode has 5 digits, such as 10220."), code="postcode")
    return text


_HOUSE_REGISTRATION_CODE = re.compile(r"[0-9]{11}")


def normalise_house_registration_code(value: str | None) -> str:
    """The 11 digits of a house registration code (รหัสประจำบ้าน) typed any way compact_id
    reads, or nothing. Raises ValidationError (code ``house_registration_code``) otherwise."""
    code = compact_id(value or "")
    if code and not _HOUSE_REGISTRATION_CODE.fullmatch(code):
        raise ValidationError(
            _("A house registration code has 11 digits."), code="house_registration_code"
        )
    return code
