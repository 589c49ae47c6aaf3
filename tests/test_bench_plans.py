"""The pages' query plans at a size where PostgreSQL plans as it would for the nation
(``cases.bench.plans``), as every role: no page may read thousands of rows of a table to show
a few of them."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from cases.bench.plans import READ_LIMIT, PlanReport, plan_reads

# Pages that read a large part of a table today, and which tables: one that starts to read
# more fails the test, and one that is fixed fails it too, until it is taken off this list.
KNOWN_READING: dict[str, set[str]] = {
    "ministry:staff/intake": {"volunteers_volunteer"},
    "ministry:staff/intake search person": {"volunteers_volunteer"},
    "ministry:admin/volunteers.volunteer/list filter province": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.volunteer/list search Thai name": {"volunteers_volunteer"},
    "ministry:admin/volunteers.centrerole/list": {"volunteers_volunteer"},
    "ministry:admin/volunteers.centrerole/list search Thai name": {"volunteers_volunteer"},
    "ministry:admin/volunteers.event/list": {"volunteers_attendance"},
    # The name's volunteers passed as a list of ids: the page walks the list's order past the
    # registrations of others (5,000 for a common name at national size, 9 ms), where the
    # subquery they replaced joined and sorted all the matches on every page (48 ms).
    "ministry:admin/volunteers.registration/list search Thai name": {"volunteers_registration"},
    "ministry:admin/volunteers.registrationstatuschange/list": {
        "volunteers_registrationstatuschange"
    },
    "ministry:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registration",
        "volunteers_registrationstatuschange",
    },
    "ministry:admin/cases.person/list page 500": {"cases_person"},
    "ministry:admin/cases.person/list search Thai name": {"cases_person"},
    "ministry:admin/cases.household/list": {"cases_household"},
    "ministry:admin/cases.household/list search Thai name": {
        "cases_household",
        "cases_householdmember",
    },
    "ministry:admin/cases.case/list page 500": {"cases_case"},
    "ministry:admin/cases.case/list search Thai name": {"cases_case", "cases_person"},
    "ministry:admin/cases.consent/list": {"cases_consent"},
    "supervisor:staff/desk": {"cases_caseevent"},
    "supervisor:admin/volunteers.volunteer/list filter province": {"volunteers_registration"},
    "supervisor:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registration",
        "volunteers_registrationstatuschange",
    },
    "supervisor:admin/cases.person/list": {"cases_person"},
    "supervisor:admin/cases.case/list": {"cases_case"},
    "supervisor:admin/cases.case/list filter province": {"cases_case"},
    "supervisor:admin/cases.case/list filter status": {"cases_case"},
    "supervisor:admin/cases.case/list search Thai name": {"cases_case"},
    "supervisor:admin/cases.case/list search national ID": {"cases_case"},
    "supervisor:admin/cases.case/list search case number": {"cases_case"},
    "chair:admin/volunteers.registrationstatuschange/list": {"volunteers_registrationstatuschange"},
    "chair:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registrationstatuschange"
    },
    "staff:admin/volunteers.registrationstatuschange/list": {"volunteers_registrationstatuschange"},
    "staff:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registrationstatuschange"
    },
}

_REPORTS: list[PlanReport] = []


@pytest.fixture
def report(db, tmp_path_factory):
    """One run for the module (a few minutes), made by the first test that needs it: the
    command, in a database of its own, since the data set must be committed and vacuumed for
    PostgreSQL to plan as it would for the nation (a test's transaction is never committed)."""
    if not _REPORTS:
        out = tmp_path_factory.mktemp("plans") / "plans.json"
        name = connection.settings_dict["NAME"]
        static = "django.contrib.staticfiles.storage.StaticFilesStorage"
        env = {
            **os.environ,
            "TEST_DATABASE_NAME": f"{name}_plans",
            "DEBUG": "off",
            "SECRET_KEY": "plans",
            "ALLOWED_HOSTS": "localhost",
            "STATICFILES_BACKEND": static,
        }
        command = [sys.executable, "manage.py", "bench", "--plans", "--json", str(out)]
        subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True, capture_output=True)  # noqa: S603
        _REPORTS.append(PlanReport.from_json(out.read_text()))
    return _REPORTS[0]


def test_every_page_was_requested_as_every_role(report):
    for user in ("ministry", "supervisor", "chair", "staff"):
        assert report.statuses[f"{user}:staff/desk"] == 200, user
        assert report.statuses[f"{user}:staff/cases/list"] == 200, user
    assert report.statuses["chair:dashboards/district 1005"] == 200
    assert report.statuses["supervisor:dashboards/nation"] == 404
    assert report.queries > 1000


def test_no_page_reads_a_large_part_of_a_table_but_the_known_ones(report):
    reading = {key: set(tables) for key, tables in report.reads.items()}
    new = {k: v - KNOWN_READING.get(k, set()) for k, v in reading.items()}
    assert {k: v for k, v in new.items() if v} == {}, "\n".join(report.table())
    fixed = {k: v - reading.get(k, set()) for k, v in KNOWN_READING.items()}
    assert {k: v for k, v in fixed.items() if v} == {}, "fixed: take these off KNOWN_READING"


def test_a_plan_that_scans_a_table_is_reported_and_an_index_lookup_is_not(db):
    from tests.factories import CentreFactory

    CentreFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE plan_probe AS SELECT g AS n FROM generate_series(1, %s) g",
            [READ_LIMIT * 3],
        )
        cursor.execute("CREATE INDEX ON plan_probe (n)")
        cursor.execute("ANALYZE plan_probe")
    assert plan_reads("SELECT count(*) FROM plan_probe WHERE n % 2 = 0") == {
        "plan_probe": READ_LIMIT * 3
    }
    assert plan_reads("SELECT n FROM plan_probe WHERE n = 17") == {}
