"""Data made once for a test module: a transaction opened before the module's first test that
asks for it and rolled back after its last. pytest-django runs each test in a savepoint of it,
so no test sees another's writes, and the database is as before once the module is done.

Only for modules of ordinary (non-transactional) tests: a test that truncates tables, or runs
a live server, needs the connection outside any transaction."""

from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


def made_once(django_db_blocker, make: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: ``yield from made_once(django_db_blocker, build)``."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = make()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
