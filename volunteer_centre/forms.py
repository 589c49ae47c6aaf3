"""Form pieces shared by the admin and the staff pages."""

import datetime as dt
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from volunteer_centre.dates import parse_date
from volunteer_centre.identity import normalise_national_id, normalise_phone
from volunteer_centre.ministry import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from volunteer_centre.thai import (
    BE_THRESHOLD,
    be_year,
    format_input_date,
    to_arabic_digits,
    whole_number,
)

# The longest list a form offers to choose from. Past it (a thousand centres, a centre's
# hundreds of volunteers, every person recorded) a page has a search, an autocomplete, a typed
# code or a list narrowed by an earlier choice: tests/test_no_long_selects.py checks every page.
MAX_CHOICES = 100

# The mixins below go before a Form or ModelForm class: the type checker reads them as forms.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ThaiDateInput(forms.DateInput):
    """A text date input that shows dd/mm/yyyy in the Buddhist Era while Thai is active."""

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.date):
            return format_input_date(value)
        return super().format_value(value)


class ThaiDateField(forms.DateField):
    """Accepts 25/05/2560, 25/05/2017, 2017-05-25 and Thai digits (๒๕/๐๕/๒๕๖๐)."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Enter a valid date, such as 25/05/2560 (B.E.) or 25/05/2017."),
    }

    def to_python(self, value: str | dt.date | None) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ThaiFormMixin(_FormBase):
    """For every staff form: dates in BE or Gregorian, Thai digits in numbers and dates.

    Date fields a ModelForm made become ThaiDateField (keeping their validators); numeric input
    typed with Thai digits (๑๒๓) is read as 123.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField) and not isinstance(field, ThaiDateField):
                self.fields[name] = ThaiDateField(
                    required=field.required,
                    label=field.label,
                    help_text=field.help_text,
                    initial=field.initial,
                    validators=[v for v in field.validators if v not in field.default_validators],
                )
        if self.is_bound:
            # Bound to request.POST (a QueryDict), or to a dict in the tests and the import.
            data: MutableMapping[str, Any] = cast(QueryDict | dict[str, Any], self.data).copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)
                if isinstance(field, forms.IntegerField | forms.DecimalField) and key in data:
                    data[key] = to_arabic_digits(data[key])
            self.data = data


def validate_not_in_future(value: dt.date | None) -> None:
    """A birth date, or any date of something that already happened, is not after today."""
    if value and value > timezone.localdate():
        raise forms.ValidationError(
            _("This date is in the future: for a year in B.E. type 4 digits, such as 2530."),
            code="future_date",
        )


class PersonIdentityFormMixin(_FormBase):
    """For a ModelForm of a person (a volunteer, a person facing a problem): the national ID
    typed any way (dashes, spaces, Thai digits), a birth date not in the future and a Thai phone
    number, each normalised before the model sees it, with phone-friendly keyboards.

    Either field may be absent: the admin leaves read-only fields off the form (all of them for
    a user with the view permission only), and a form without them has nothing to tune."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Both persons' national_id is a models.CharField: its form field is a forms.CharField.
        national_id = cast(forms.CharField | None, self.fields.get("national_id"))
        if national_id is not None:
            national_id.max_length = 20
            national_id.validators = []
            national_id.widget.attrs.update(inputmode="numeric", maxlength=20)
        phone = self.fields.get("phone")
        if phone is not None:
            phone.widget.attrs.update(inputmode="tel")

    def clean_national_id(self) -> str | None:
        value = self.cleaned_data.get("national_id")
        return normalise_national_id(value) if value else None

    def clean_birth_date(self) -> dt.date | None:
        value = self.cleaned_data.get("birth_date")
        validate_not_in_future(value)
        return value

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))


class FiscalYearField(forms.Field):
    """A Buddhist Era fiscal year, typed in ASCII or Thai digits (๒๕๖๙); a Gregorian year
    (2026) is read as its BE year. It lies between the ministry's first fiscal year
    (FIRST_FISCAL_YEAR) and ``last`` (LAST_FISCAL_YEAR unless given: the dashboards give the
    current one). ``choices`` makes it a list of those years, newest first, instead of a
    text input.

    Not a number field: those read "1e999999999" as a Decimal that int() then expands into a
    billion digits. Four digits are checked as text first, so nothing large is ever built.
    """

    default_error_messages = {
        "invalid": _("Enter a fiscal year in the Buddhist Era, such as 2569."),
        "out_of_range": _("Choose a fiscal year between %(first)s and %(last)s (B.E.)."),
    }

    def __init__(
        self, *, last: int = LAST_FISCAL_YEAR, choices: bool = False, **kwargs: Any
    ) -> None:
        self.last = last
        if choices:
            years = range(last, FIRST_FISCAL_YEAR - 1, -1)
            kwargs["widget"] = forms.Select(
                choices=[(y, _("FY %(year)s") % {"year": y}) for y in years]
            )
        super().__init__(**kwargs)
        if not choices:
            self.widget.attrs.update(inputmode="numeric", maxlength=4)

    def to_python(self, value: object) -> int | None:
        if str(value or "").strip() == "":
            return None
        year = whole_number(value, 4)
        if year is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return year if year >= BE_THRESHOLD else be_year(year)

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if value is not None and not FIRST_FISCAL_YEAR <= value <= self.last:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": FIRST_FISCAL_YEAR, "last": self.last},
            )
