"""Parsing cell values: dates (read by volunteer_centre.dates), and the choices (programme,
status, sex) by their codes and English or Thai names."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from volunteer_centre.dates import read_date
from volunteers.models import PROGRAMME_ABBREVIATIONS, Programme, Registration, Sex

from .columns import cell_text


def parse_date_cell(value) -> dt.date | None:
    """A cell as a date (volunteer_centre.dates.read_date), once an export's defusing
    apostrophe is taken off its text."""
    cell = isinstance(value, dt.date | int | float) and not isinstance(value, bool)
    return read_date(value if cell else cell_text(value))


def _choice_key(text) -> str:
    return str(text).replace(".", "").replace(" ", "").casefold()


def _choice_table(choices, extra: dict | None = None) -> tuple[dict[str, str], list[str]]:
    """Accepted spellings -> value, and the spellings an error message suggests."""
    table, shown = {}, []
    for value, label in choices:
        table[_choice_key(value)] = value
        shown.append(str(value))
        for language in ("en", "th"):
            with translation.override(language):
                table[_choice_key(label)] = value
    for alias, value in (extra or {}).items():
        table[_choice_key(alias)] = value
        shown.append(alias)
    return table, shown


_CHOICES = {
    "programme": lambda: _choice_table(
        Programme.choices,
        {abbr: code for code, abbr in PROGRAMME_ABBREVIATIONS.items()}
        | {"เครือข่าย": Programme.NETWORK},
    ),
    "status": lambda: _choice_table(Registration.Status.choices),
    "sex": lambda: _choice_table(
        Sex.choices, {"ชาย": Sex.MALE, "หญิง": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}
    ),
}
