"""What the volunteer models share: the centre-owned rows' QuerySet and small helpers."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from centres.access import ScopedQuerySet


def _try(normalise, text: str) -> str:
    try:
        return normalise(text)
    except ValidationError:
        return ""


_M = TypeVar("_M", bound=Model)


class CentreOwnedQuerySet(ScopedQuerySet[_M]):
    """Rows owned by the centre at ``centre_path``: Registration, CentreRole, Event, Attendance."""
