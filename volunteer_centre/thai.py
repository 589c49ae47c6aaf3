"""Thai conventions shared by every app: Buddhist Era years, fiscal years, Thai digits.

Dates are stored Gregorian. The Buddhist Era (พ.ศ.) is the Gregorian year + 543. The Thai
government fiscal year runs 1 October to 30 September and is named by the BE year in which it
ends: FY2562 is 1 Oct 2018 to 30 Sep 2019.
"""

import datetime as dt
import re

from django.utils import translation

BE_OFFSET = 543
# A four-digit year at or above this is read as Buddhist Era. Gregorian 2400 is centuries away
# and BE 2400 (1857 CE) is older than anyone on record, so the two ranges never meet.
BE_THRESHOLD = 2400

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def to_arabic_digits(text: str) -> str:
    """Return ``text`` with Thai digits (๐-๙) replaced by 0-9."""
    return text.translate(_THAI_DIGITS)


_WHOLE_NUMBER = re.compile(r"[0-9]+")


def whole_number(text: object, max_digits: int) -> int | None:
    """``text`` (typed, or from a URL) as a whole number of at most ``max_digits`` ASCII or
    Thai digits, else None. str.isdigit() is no test: it passes "²" and "١", which int()
    refuses or reads as another script's digit, and thousands of digits, which int() refuses
    to convert; a number field reads "1e999999999" as a Decimal a billion digits long."""
    value = to_arabic_digits(str(text or "")).strip()
    if len(value) > max_digits or not _WHOLE_NUMBER.fullmatch(value):
        return None
    return int(value)


def be_year(year: int) -> int:
    """Buddhist Era year of a Gregorian year."""
    return year + BE_OFFSET


def ce_year(year: int) -> int:
    """Gregorian year of a year typed either way: BE years (>= 2400) are converted."""
    return year - BE_OFFSET if year >= BE_THRESHOLD else year


def fiscal_year(day: dt.date) -> int:
    """Thai fiscal year of ``day``, named by its BE year (1 Oct 2018 -> 2562)."""
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fy: int) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year ``fy`` (BE): 2562 -> 1 Oct 2018, 30 Sep 2019."""
    end_year = fy - BE_OFFSET
    return dt.date(end_year - 1, 10, 1), dt.date(end_year, 9, 30)


def uses_buddhist_era() -> bool:
    """True when the active language shows years in the Buddhist Era."""
    return (translation.get_language() or "").startswith("th")


def format_input_date(day: dt.date) -> str:
    """A date as a form shows it for editing: dd/mm/yyyy, BE in Thai."""
    year = be_year(day.year) if uses_buddhist_era() else day.year
    return f"{day.day:02d}/{day.month:02d}/{year:04d}"
