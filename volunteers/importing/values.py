"""Parsing cell values: dates as people type them (Buddhist Era or Gregorian, Thai month
names), and the choices (programme, status, sex) by their codes and English or Thai names."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from volunteer_centre.thai import BE_OFFSET, BE_THRESHOLD, to_arabic_digits
from volunteers.models import PROGRAMME_ABBREVIATIONS, Programme, Registration, Sex

from .columns import cell_text

_THAI_MONTHS = {
    name.replace(".", ""): number
    for number, names in enumerate(
        [
            ("ม.ค.", "มกราคม"),
            ("ก.พ.", "กุมภาพันธ์"),
            ("มี.ค.", "มีนาคม"),
            ("เม.ย.", "เมษายน"),
            ("พ.ค.", "พฤษภาคม"),
            ("มิ.ย.", "มิถุนายน"),
            ("ก.ค.", "กรกฎาคม"),
            ("ส.ค.", "สิงหาคม"),
            ("ก.ย.", "กันยายน"),
            ("ต.ค.", "ตุลาคม"),
            ("พ.ย.", "พฤศจิกายน"),
            ("ธ.ค.", "ธันวาคม"),
        ],
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_THAI_WORDS = re.compile(r"^(\d{1,2})\s*([ก-๛.]+)\s*(\d{4})$")


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(_("There is no such day."), code="no_such_day") from None


def parse_date_cell(value) -> dt.date | None:
    """A date as people type it: 25/05/2535 (BE) or 25/05/1992, 1992-05-25, 25 พ.ค. 2535.

    A four-digit year of 2400 or more is Buddhist Era. The yyyy-mm-dd form is Gregorian only,
    so a BE year there is refused rather than guessed; so are two-digit years.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.year >= BE_THRESHOLD:  # a BE date typed into an Excel date cell
            return _date(value.year - BE_OFFSET, value.month, value.day)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(
            _("Format this cell as text and write the date as dd/mm/yyyy, such as 25/05/2535."),
            code="date_number",
        )
    text = to_arabic_digits(cell_text(value))
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        if year >= BE_THRESHOLD:
            raise ValidationError(
                _(
                    "«%(text)s» has a Buddhist Era year in the year-month-day form, which is for "
                    "Gregorian years: write %(ce)04d-%(month)02d-%(day)02d, or "
                    "%(day)02d/%(month)02d/%(year)d."
                ),
                code="date_be_in_iso",
                params={"text": text, "ce": year - BE_OFFSET, "year": year, "month": month,
                        "day": day},
            )  # fmt: skip
        return _date(year, month, day)
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _THAI_WORDS.match(text)) and match[2].replace(".", "") in _THAI_MONTHS:
        day, month, year = int(match[1]), _THAI_MONTHS[match[2].replace(".", "")], int(match[3])
    else:
        raise ValidationError(
            _("«%(text)s» is not a date: write it as 25/05/2535 (B.E.) or 1992-05-25."),
            code="date_format",
            params={"text": text},
        )
    if len(match.groups()[-1]) != 4:
        # Two digits leave the century to guess; more than four is no year at all (and would
        # overflow the date type).
        raise ValidationError(
            _("Write the year with four digits (2535 or 1992), not «%(year)s»."),
            code="date_short_year",
            params={"year": match.groups()[-1]},
        )
    return _date(year - BE_OFFSET if year >= BE_THRESHOLD else year, month, day)


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
