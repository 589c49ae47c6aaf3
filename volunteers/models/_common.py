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
