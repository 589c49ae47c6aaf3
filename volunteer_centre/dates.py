"""The one reading of a date as people type it, for the staff pages, the admin and the import.

Accepted: 25/05/2560 (Buddhist Era) or 25/05/2017, 25-5-2560, 25.05.2560, 2017-05-25, and
25 พ.ค. 2560 or 25 พฤษภาคม 2560, in ASCII or Thai digits (๒๕/๐๕/๒๕๖๐); and a spreadsheet's
own date cell, BE years included. A four-digit year of 2400 or more is Buddhist Era
(volunteer_centre.thai.BE_THRESHOLD). The year-month-day form is Gregorian only, so a BE year
there is refused rather than guessed; so are two-digit years, which leave the century to guess.
Each refusal says what to write instead, with its own error code.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from volunteer_centre.thai import BE_OFFSET, BE_THRESHOLD, to_arabic_digits

THAI_MONTHS = {
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


def read_date(value: object) -> dt.date | None:
    """``value`` (typed text, or a spreadsheet cell) as a Gregorian date; None when empty.

    Raises ValidationError, with a message that says what to write, for anything else.
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
    text = " ".join(to_arabic_digits(str(value or "")).split())
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
                params={
                    "text": text,
                    "ce": year - BE_OFFSET,
                    "year": year,
                    "month": month,
                    "day": day,
                },
            )
        return _date(year, month, day)
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _THAI_WORDS.match(text)) and match[2].replace(".", "") in THAI_MONTHS:
        day, month, year = int(match[1]), THAI_MONTHS[match[2].replace(".", "")], int(match[3])
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


def parse_date(text: str) -> dt.date | None:
    """``read_date`` for a caller with its own message: None for anything but a date."""
    try:
        return read_date(text)
    except ValidationError:
        return None
