"""Today, read when a test asks: a date fixed when the tests are collected would be yesterday's
for the tests that run after midnight in Bangkok, while the code under test reads the new day."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)
