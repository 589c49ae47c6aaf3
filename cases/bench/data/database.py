"""The benchmark's own database: made (and migrated), dropped, and settled after a load."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from cases.models import Case


def bench_database_use(name: str, *, fresh: bool) -> bool:
    """Point the default connection at database ``name``, creating (or, when ``fresh``,
    re-creating) and migrating it. Returns whether it already held a data set."""
    default = connections["default"]
    with default._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        quoted = default.ops.quote_name(name)
        if exists and fresh:
            cursor.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
            exists = False
        if not exists:
            cursor.execute(f"CREATE DATABASE {quoted}")
    default.close()
    # As Django's test runner does when it switches to the test database.
    settings.DATABASES["default"]["NAME"] = name
    default.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    return exists and Case.objects.exists()


def bench_database_drop(name: str) -> None:
    """Drop database ``name`` (the ``--small`` run's, once checked)."""
    default = connections["default"]
    default.close()
    with default._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {default.ops.quote_name(name)} WITH (FORCE)")


def bench_data_settle() -> None:
    """VACUUM (ANALYZE) the data set just written, outside any transaction: the planner's
    statistics, and the visibility map without which PostgreSQL cannot answer the overdue rule
    from the visit_case_latest index alone. In production autovacuum keeps both; a freshly
    bulk-loaded database has neither, and timing it would measure the load, not the pages."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
