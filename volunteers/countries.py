"""Country names in Thai for django-countries.

django-countries' own Thai catalogue (th_TH) holds the English names and Django never loads it
for ``th``; the Thai names here come from the Unicode CLDR through Babel instead.
"""

import contextlib
import functools
import re

from babel import Locale
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import Countries, CountryTuple
from django_countries.fields import CountryField

from volunteer_centre.thai import uses_buddhist_era as thai_active

# Thai writes the vowels เ แ โ ใ ไ before the consonant they follow in speech and in the
# dictionary: sorting on the consonant first gives dictionary order for lists of names.
_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")
_PARENTHESES = re.compile(r"[()]")


def thai_sort_key(text: str) -> str:
    return _LEADING_VOWEL.sub(r"\2\1", text)


@functools.cache
def _thai_names() -> dict[str, str]:
    return dict(Locale("th").territories)


def thai_country_name(code: str) -> str:
    return _thai_names().get(str(code).upper(), "")


class ThaiCountries(Countries):
    """Countries named and ordered in Thai while Thai is the active language."""

    def translate_pair(self, code, name=None):
        if thai_active() and (thai := thai_country_name(code)):
            return CountryTuple(code, thai)
        return super().translate_pair(code, name)

    def __iter__(self):
        items = list(super().__iter__())
        if thai_active():
            items.sort(key=lambda item: thai_sort_key(item.name))
        yield from items

    @functools.cached_property
    def _lookup(self) -> dict[str, str]:
        table = {}
        aliases: dict[str, set[str]] = {}
        with translation.override("en"):
            for code in self.countries:
                names = [code, self.alpha3(code), self.name(code), thai_country_name(code)]
                table.update({name.casefold(): code for name in names if name})
                # "เมียนมา (พม่า)" is typed เมียนมา or พม่า: each part, where only one
                # country has it (not คองโก, the part of two names).
                for name in names[2:]:
                    for part in _PARENTHESES.split(name or ""):
                        if part := " ".join(part.split()):
                            aliases.setdefault(part.casefold(), set()).add(code)
        for alias, codes in aliases.items():
            if len(codes) == 1:
                table.setdefault(alias, codes.pop())
        return table

    def find(self, text: str) -> str:
        """The ISO code of a country given by code (TH, THA) or name in English or Thai, or ""."""
        return self._lookup.get(" ".join(str(text).split()).casefold(), "")


thai_countries = ThaiCountries()


class CountryNameField(forms.CharField):
    """A country typed by its name in Thai or English, or its code (JP, or JPN as printed on
    a passport), instead of a list of some 250 countries to scroll. Cleans to the ISO code;
    shows the country's name in the user's language."""

    def __init__(self, *, required=True, **kwargs):
        # What CountryField.formfield() passes a choice field (see countries_typed_in_admin).
        for unused in ("choices", "coerce", "empty_value", "max_length"):
            kwargs.pop(unused, None)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _(
                "Its name in Thai or English, or its code on the passport (JPN)."
            )
        super().__init__(required=required, max_length=100, **kwargs)
        self.widget.attrs.update(autocomplete="off", spellcheck="false")

    def prepare_value(self, value):
        code = str(value or "")
        if len(code) == 2 and code.isupper():
            # The stored code, shown as the user reads it.
            with contextlib.suppress(KeyError):
                return thai_countries.name(code) or code
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if not text:
            return ""
        code = thai_countries.find(text)
        if not code:
            raise forms.ValidationError(
                _(
                    "No country is called “%(text)s”: type its name in Thai or English, or its "
                    "code on the passport, such as JPN."
                ),
                code="unknown_country",
                params={"text": text[:100]},
            )
        return code


class CountriesTypedAdminMixin:
    """Country fields of an admin form typed (CountryNameField), not chosen from a list."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, CountryField):
            from django.contrib.admin.widgets import AdminTextInputWidget

            return db_field.formfield(
                choices_form_class=CountryNameField, widget=AdminTextInputWidget, **kwargs
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
