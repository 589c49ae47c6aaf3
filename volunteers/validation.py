"""Cleaning and checking shared by the admin, the import and the staff forms.

Each kind of value people type (a national ID, a phone number, a passport number, a registration
number, a name) has one normaliser here that returns the stored form or raises a ValidationError
in the user's language. Model fields built on them normalise in ``Model.full_clean()`` and give
forms a field that accepts what people type and shows the value the Thai way, so a ModelForm,
the admin and the import all clean the same way.
"""

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteer_centre.identity import (
    format_national_id,
    format_phone,
    normalise_national_id,
    normalise_phone,
)
from volunteer_centre.ministry import MINISTRY_FOUNDED
from volunteer_centre.thai import BE_THRESHOLD, be_year, to_arabic_digits

# Nobody on record has lived longer; an older birth date is a mistyped year.
OLDEST_AGE = 110


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` of someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- names --------------------------------------------------------------------------------------

# Besides letters and marks of any script: the space, hyphen, apostrophes and the full stop of
# abbreviated titles (ร.ต.อ., Dr.).
_NAME_PUNCTUATION = frozenset(" -'’.")


def normalise_name(value: str) -> str:
    """One space between words, and Thai vowels and tone marks in their composed order (NFC)."""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def validate_person_name(value: str) -> None:
    """Letters and marks of any script (Thai vowels and tone marks are marks), no digits."""
    for char in value:
        if char in _NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM":
            continue
        raise ValidationError(
            _(
                "A name has letters, spaces, hyphens and full stops only; "
                "«%(char)s» is not allowed."
            ),
            code="name_characters",
            params={"char": char},
        )


def validate_latin_name(value: str) -> None:
    """A name as written in a passport: Latin letters, with accents if any."""
    for char in value:
        category = unicodedata.category(char)
        if char in _NAME_PUNCTUATION or category[0] == "M":
            continue
        if category[0] == "L" and unicodedata.name(char, "").startswith("LATIN"):
            continue
        raise ValidationError(
            _("Write this name in Latin letters, as in the passport; «%(char)s» is not one."),
            code="name_latin_script",
            params={"char": char},
        )


# -- dates --------------------------------------------------------------------------------------


def validate_not_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")


# No registration in the ministry's programmes and no office of its centres is older than the
# ministry (MINISTRY_FOUNDED). Any other date of a volunteer's record (a membership, a visa, a
# service period) is at least after 1900: an older one is a Buddhist Era year taken off twice
# (2562 - 543 - 543 = 1476) or another mistyped year.
OLDEST_RECORD = dt.date(1900, 1, 1)
_YEAR_HINT = _("check the year (a Buddhist Era year typed as Gregorian, or the reverse?).")


def _not_before(value: dt.date, floor: dt.date, message) -> None:
    if value < floor:
        raise ValidationError(
            message,
            code="date_too_old",
            params={"year": floor.year, "be": be_year(floor.year), "hint": _YEAR_HINT},
        )


def validate_registration_date(value: dt.date) -> None:
    """A date of a registration or a centre office: not in the future, not before the ministry."""
    validate_not_future(value)
    validate_since_ministry(value)


def validate_since_ministry(value: dt.date) -> None:
    """Not before the ministry was founded (an end date or an event may be in the future)."""
    _not_before(
        value,
        MINISTRY_FOUNDED,
        _("This date is before %(year)d (B.E. %(be)d), when the ministry was founded: %(hint)s"),
    )


def validate_recorded_date(value: dt.date) -> None:
    """Any other date of a volunteer's record: not before 1900."""
    _not_before(value, OLDEST_RECORD, _("This date is before %(year)d (B.E. %(be)d): %(hint)s"))


def validate_birth_date(value: dt.date) -> None:
    """Not in the future, and not so long ago that the year must have been mistyped."""
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("The birth date is in the future."), code="birth_date_future")
    if age_on(value, today) > OLDEST_AGE:
        raise ValidationError(
            _(
                "This birth date makes the person more than %(age)d years old: check the year "
                "(a Buddhist Era year typed as Gregorian, or the reverse?)."
            ),
            code="birth_date_too_old",
            params={"age": OLDEST_AGE},
        )


# -- identity documents and numbers --------------------------------------------------------------

_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise_passport_number(value: str) -> str:
    """Capitals and digits only: ``aa 123-4567`` -> ``AA1234567``."""
    text = re.sub(r"[\s-]", "", to_arabic_digits(str(value))).upper()
    if not _PASSPORT.match(text):
        raise ValidationError(
            _("A passport number has 5 to 20 letters and digits."), code="passport_number"
        )
    return text


_REGISTRATION_NUMBER = re.compile(r"^(\d{1,6})\s*/\s*(\d{4})$")


def normalise_registration_number(value: str) -> str:
    """The Thai form NNNN/BE year: ``12/2562`` and ``๑๒/๒๕๖๒`` -> ``0012/2562``."""
    text = to_arabic_digits(str(value)).strip()
    match = _REGISTRATION_NUMBER.match(text)
    if not match:
        raise ValidationError(
            _("Write the registration number as number/Buddhist Era year, such as 0012/2562."),
            code="registration_number_format",
        )
    number, year = int(match[1]), int(match[2])
    if year < BE_THRESHOLD:
        raise ValidationError(
            _(
                "The year of a registration number is a Buddhist Era year: %(year)d is "
                "Gregorian, write %(be)d."
            ),
            code="registration_number_gregorian",
            params={"year": year, "be": be_year(year)},
        )
    if year > be_year(timezone.localdate().year) + 1:
        raise ValidationError(
            _("The year %(year)d of this registration number is in the future."),
            code="registration_number_future",
            params={"year": year},
        )
    if number == 0:
        raise ValidationError(
            _("A registration number starts from 0001."), code="registration_number_zero"
        )
    return f"{number:04d}/{year}"


# -- form fields --------------------------------------------------------------------------------


class NormalisedFormField(forms.CharField):
    """A text field that cleans with ``normalise`` and shows the stored value with ``display``.

    The browser's maxlength is dropped: people type dashes and spaces the stored form has not.
    """

    normalise = staticmethod(lambda value: value)
    display = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        return type(self).normalise(value)

    def prepare_value(self, value):
        return type(self).display(value) if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class NationalIDFormField(NormalisedFormField):
    normalise = staticmethod(normalise_national_id)
    display = staticmethod(format_national_id)


class PhoneFormField(NormalisedFormField):
    normalise = staticmethod(normalise_phone)
    display = staticmethod(format_phone)


class PassportNumberFormField(NormalisedFormField):
    normalise = staticmethod(normalise_passport_number)


class RegistrationNumberFormField(NormalisedFormField):
    normalise = staticmethod(normalise_registration_number)


class PersonNameFormField(NormalisedFormField):
    normalise = staticmethod(normalise_name)


# -- model fields -------------------------------------------------------------------------------


class NormalisedCharField(models.CharField):
    """A CharField whose ``full_clean()`` stores the normalised form of what was typed.

    Only ``clean`` normalises, not ``to_python``: CharField.get_prep_value calls to_python, and a
    query for a mistyped value must find nothing, not raise.
    """

    form_class = forms.CharField

    @staticmethod
    def normalise(value: str) -> str:
        return value

    def clean(self, value, model_instance):
        if value not in self.empty_values:
            value = self.normalise(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": self.form_class, **kwargs})


class NationalIDField(NormalisedCharField):
    """13 digits with a valid check digit, typed any way (dashes, spaces, Thai digits)."""

    form_class = NationalIDFormField
    normalise = staticmethod(normalise_national_id)


class PhoneField(NormalisedCharField):
    """A Thai mobile or landline number stored in E.164 (+66812345678)."""

    form_class = PhoneFormField
    normalise = staticmethod(normalise_phone)


class PassportNumberField(NormalisedCharField):
    form_class = PassportNumberFormField
    normalise = staticmethod(normalise_passport_number)


class RegistrationNumberField(NormalisedCharField):
    """NNNN/BE year, unique within a programme."""

    form_class = RegistrationNumberFormField
    normalise = staticmethod(normalise_registration_number)


class PersonNameField(NormalisedCharField):
    form_class = PersonNameFormField
    normalise = staticmethod(normalise_name)
