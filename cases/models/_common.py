"""Helpers the model modules share: the trigram index expression and the admin's dates."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models.functions import Cast, Upper
from django.utils.formats import date_format


def _trgm(field: str) -> OpClass:
    """A trigram index expression matching the SQL of ``field__icontains``.

    icontains compiles to UPPER(field::text) LIKE UPPER(%s); the admin's and the staff pages'
    name searches use it, and an index on the bare column would not serve them.
    """
    return OpClass(Upper(Cast(field, models.TextField())), name="gin_trgm_ops")


def _day(value: dt.date | None) -> str:
    """A date as the admin's titles show it: in the Buddhist Era while Thai is active."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""
