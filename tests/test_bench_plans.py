"""The pages' query plans at a size where PostgreSQL plans as it would for the nation
(``cases.bench.plans``), as every role: no page may read thousands of rows of a table to show
a few of them."""

import pytest

from cases.bench.plans import READ_LIMIT, PlanReport, bench_plans, plan_reads

# Pages that read a large part of a table today, and which tables: one that starts to read
# more fails the test, and one that is fixed fails it too, until it is taken off this list.
KNOWN_READING: dict[str, set[str]] = {
    "ministry:staff/desk": {"cases_case", "cases_caseevent", "cases_person", "cases_visit"},
    "ministry:staff/cases/list": {"cases_case", "cases_person", "cases_visit"},
    "ministry:staff/cases/list filtered": {"cases_case", "cases_visit"},
    "ministry:staff/cases/list search name": {"cases_case", "cases_person", "cases_visit"},
    "ministry:staff/cases/list search national ID": {"cases_case", "cases_person"},
    "ministry:staff/cases/list search case number": {"cases_case", "cases_person"},
    "ministry:staff/cases/person": {"cases_caseevent"},
    "ministry:staff/intake": {"volunteers_registration", "volunteers_volunteer"},
    "ministry:staff/intake search person": {
        "cases_person",
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:staff/volunteers/list": {"volunteers_volunteer"},
    "ministry:staff/volunteers/list filtered": {"volunteers_registration", "volunteers_volunteer"},
    "ministry:staff/volunteers/list search name": {"volunteers_volunteer"},
    "ministry:staff/volunteers/list search registration number": {"volunteers_volunteer"},
    "ministry:admin/volunteers.volunteer/list": {"volunteers_volunteer"},
    "ministry:admin/volunteers.volunteer/list filter status": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.volunteer/list filter province": {"volunteers_registration"},
    "ministry:admin/volunteers.volunteer/list search Thai name": {"volunteers_volunteer"},
    "ministry:admin/volunteers.volunteer/list search registration number": {"volunteers_volunteer"},
    "ministry:admin/volunteers.registration/list": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.registration/list filter status": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.registration/list filter province": {"volunteers_registration"},
    "ministry:admin/volunteers.registration/list search Thai name": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.registration/list search registration number": {
        "volunteers_registration",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.centrerole/list": {"volunteers_volunteer"},
    "ministry:admin/volunteers.centrerole/list search Thai name": {"volunteers_volunteer"},
    "ministry:admin/volunteers.event/list": {"volunteers_attendance"},
    "ministry:admin/volunteers.registrationstatuschange/list": {
        "volunteers_registration",
        "volunteers_registrationstatuschange",
        "volunteers_volunteer",
    },
    "ministry:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registration",
        "volunteers_registrationstatuschange",
    },
    "ministry:admin/cases.person/list": {"cases_person"},
    "ministry:admin/cases.household/list": {"cases_household"},
    "ministry:admin/cases.household/list search Thai name": {
        "cases_household",
        "cases_householdmember",
        "cases_person",
    },
    "ministry:admin/cases.case/list": {"cases_case", "cases_person", "cases_visit"},
    "ministry:admin/cases.case/list filter province": {"cases_case", "cases_visit"},
    "ministry:admin/cases.case/list filter status": {"cases_case", "cases_visit"},
    "ministry:admin/cases.case/list search Thai name": {
        "cases_case",
        "cases_person",
        "cases_visit",
    },
    "ministry:admin/cases.case/list search national ID": {"cases_case"},
    "ministry:admin/cases.case/list search case number": {
        "cases_case",
        "cases_person",
        "cases_visit",
    },
    "ministry:admin/cases.referral/list": {"cases_case", "cases_referral"},
    "ministry:admin/cases.referral/list filter status": {"cases_case", "cases_referral"},
    "ministry:admin/cases.referral/list search Thai name": {"cases_case", "cases_referral"},
    "ministry:admin/cases.referral/list search case number": {"cases_case", "cases_referral"},
    "ministry:admin/cases.consent/list": {"cases_case", "cases_consent"},
    "ministry:admin/cases.consent/list search Thai name": {"cases_case", "cases_consent"},
    "ministry:admin/cases.consent/list search case number": {"cases_case", "cases_consent"},
    "ministry:dashboards/nation filtered": {
        "cases_assistance",
        "cases_case",
        "cases_referral",
        "cases_visit",
        "volunteers_registration",
    },
    "ministry:dashboards/nation": {
        "cases_assistance",
        "cases_case",
        "cases_referral",
        "cases_visit",
        "volunteers_registration",
    },
    "ministry:dashboards/nation/export volunteers.csv": {"volunteers_registration"},
    "ministry:dashboards/nation/export volunteers.xlsx": {"volunteers_registration"},
    "ministry:dashboards/nation/export cases.csv": {"cases_case", "cases_visit"},
    "ministry:dashboards/nation/export cases.xlsx": {"cases_case", "cases_visit"},
    "ministry:dashboards/nation/export problems.csv": {"cases_case"},
    "ministry:dashboards/nation/export problems.xlsx": {"cases_case"},
    "ministry:dashboards/nation/export activity.csv": {
        "cases_assistance",
        "cases_case",
        "cases_referral",
        "cases_visit",
    },
    "ministry:dashboards/nation/export activity.xlsx": {
        "cases_assistance",
        "cases_case",
        "cases_referral",
        "cases_visit",
    },
    "ministry:dashboards/province 10": {"cases_assistance", "cases_referral"},
    "ministry:dashboards/province 10/export activity.csv": {"cases_assistance", "cases_referral"},
    "ministry:dashboards/province 10/export activity.xlsx": {"cases_assistance", "cases_referral"},
    "supervisor:staff/desk": {"cases_caseevent"},
    "supervisor:staff/cases/person": {"cases_caseevent"},
    "supervisor:admin/volunteers.volunteer/list filter province": {"volunteers_registration"},
    "supervisor:admin/volunteers.registration/list filter province": {"volunteers_registration"},
    "supervisor:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registration",
        "volunteers_registrationstatuschange",
    },
    "supervisor:admin/cases.person/list": {"cases_person"},
    "supervisor:admin/cases.case/list filter province": {"cases_case", "cases_visit"},
    "supervisor:admin/cases.case/list search Thai name": {"cases_case"},
    "supervisor:admin/cases.case/list search case number": {"cases_case"},
    "chair:admin/volunteers.registrationstatuschange/list": {"volunteers_registrationstatuschange"},
    "chair:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registrationstatuschange"
    },
    "chair:admin/cases.person/list": {"cases_person"},
    "chair:admin/cases.consent/list": {"cases_consent"},
    "chair:admin/cases.consent/list search Thai name": {"cases_consent"},
    "chair:admin/cases.consent/list search case number": {"cases_consent"},
    "staff:admin/volunteers.registrationstatuschange/list": {"volunteers_registrationstatuschange"},
    "staff:admin/volunteers.registrationstatuschange/list filter province": {
        "volunteers_registrationstatuschange"
    },
    "staff:admin/cases.person/list": {"cases_person"},
    "staff:admin/cases.consent/list": {"cases_consent"},
    "staff:admin/cases.consent/list search Thai name": {"cases_consent"},
    "staff:admin/cases.consent/list search case number": {"cases_consent"},
}

_REPORTS: list[PlanReport] = []


@pytest.fixture
def report(db):
    """One run for the module (a minute or two): made by the first test that needs it."""
    if not _REPORTS:
        _REPORTS.append(bench_plans(progress=lambda line: None))
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
    from django.db import connection

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
