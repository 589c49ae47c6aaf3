"""What the volunteer models share: the centre-owned rows' QuerySet and small helpers."""

from django.core.exceptions import ValidationError

from centres.access import ScopedQuerySet


def _try(normalise, text: str) -> str:
    try:
        return normalise(text)
    except ValidationError:
        return ""


class CentreOwnedQuerySet(ScopedQuerySet):
    """Rows owned by the centre at ``centre_path``: Registration, CentreRole, Event, Attendance."""


def _check_order(start, end, field: str, message) -> None:
    """Raise ``message`` on ``field`` when the end date comes before the start date."""
    if start and end and end < start:
        raise ValidationError({field: message})


# The code of the error an อพม. registration without the volunteer's birth date gets.
BIRTH_DATE_REQUIRED = "apm_birth_date_required"
