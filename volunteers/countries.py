"""Country names in Thai for django-countries.

django-countries' own Thai catalogue (th_TH) holds the English names and Django never loads it
for ``th``; the Thai names here come from the Unicode CLDR through Babel instead.
"""

import functools
import re

from babel import Locale
from django.utils import translation
from django_countries import Countries, CountryTuple

from volunteer_centre.thai import uses_buddhist_era as thai_active

# Thai writes the vowels เ แ โ ใ ไ before the consonant they follow in speech and in the
# dictionary: sorting on the consonant first gives dictionary order for lists of names.
_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")


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
        with translation.override("en"):
            for code in self.countries:
                names = [code, self.alpha3(code), self.name(code), thai_country_name(code)]
                table.update({name.casefold(): code for name in names if name})
        return table

    def find(self, text: str) -> str:
        """The ISO code of a country given by code (TH, THA) or name in English or Thai, or ""."""
        return self._lookup.get(" ".join(str(text).split()).casefold(), "")


thai_countries = ThaiCountries()
