"""Admin lists at national size: an unfiltered list of a large table is counted from
PostgreSQL's estimate, any filtered, searched or scoped list exactly (the volunteer lists: up
to LIST_ESTIMATED_COUNT_FROM rows by the planner's estimate), and no list counts the whole
table a second time beside a filtered count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.factories import cases_bulk
from tests.factories import national_id
from volunteers.models import Programme, Registration, Volunteer

pytestmark = pytest.mark.django_db

CASES = reverse("admin:cases_case_changelist")
VOLUNTEERS = reverse("admin:volunteers_volunteer_changelist")
REGISTRATIONS = reverse("admin:volunteers_registration_changelist")
STAFF_VOLUNTEERS = reverse("volunteers:volunteer-list")


def _counts(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    return response.context["cl"].result_count, counts


@pytest.fixture
def analysed_cases(centre_a, centre_b):
    cases_bulk(centre_a, 30)
    cases_bulk(centre_b, 12, start=100)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")


def test_an_unfiltered_list_of_a_large_table_takes_the_estimate(
    client, ministry_admin, analysed_cases, settings
):
    settings.ADMIN_ESTIMATED_COUNT_FROM = 10
    client.force_login(ministry_admin)
    count, counts = _counts(client, CASES)
    assert count == 42  # ANALYZE of a small table reads every row: the estimate is exact
    assert not [sql for sql in counts if "cases_case" in sql]


def test_a_filtered_or_searched_list_counts_exactly_and_once(
    client, ministry_admin, analysed_cases, settings, centre_b
):
    settings.ADMIN_ESTIMATED_COUNT_FROM = 10
    client.force_login(ministry_admin)
    count, counts = _counts(client, CASES, centre=centre_b.pk)
    assert count == 12
    assert len([sql for sql in counts if "cases_case" in sql]) == 1
    count, counts = _counts(client, CASES, q="บุคคลBKN1")
    assert count == 11  # บุคคลBKN1, บุคคลBKN10 … บุคคลBKN19
    assert len([sql for sql in counts if "cases_case" in sql]) == 1


def test_a_scoped_list_counts_exactly(client, chair_a, analysed_cases, settings):
    settings.ADMIN_ESTIMATED_COUNT_FROM = 10
    client.force_login(chair_a)
    count, counts = _counts(client, CASES)
    assert count == 30
    assert len([sql for sql in counts if "cases_case" in sql]) == 1


def test_a_small_table_is_counted_exactly(client, ministry_admin, analysed_cases):
    client.force_login(ministry_admin)
    count, counts = _counts(client, CASES)
    assert count == 42
    assert len([sql for sql in counts if "cases_case" in sql]) == 1


def _volunteers(centre, count, start, status="active"):
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(national_id=national_id(start + i), first_name=f"อาสา{i}", last_name="ทดสอบ")
        for i in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre,
            programme=Programme.APM,
            status=status,
            number=f"{start + i:04d}/2562",
            registered_on=dt.date(2019, 3, 11),
        )
        for i, v in enumerate(volunteers)
    )


@pytest.fixture
def analysed_volunteers(centre_a, centre_b):
    _volunteers(centre_a, 120, 1)
    _volunteers(centre_b, 12, 500, status="suspended")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE volunteers_volunteer")
        cursor.execute("ANALYZE volunteers_registration")


@pytest.mark.parametrize("url", [VOLUNTEERS, REGISTRATIONS])
def test_a_volunteer_list_filtered_to_most_of_the_country_takes_the_estimate(
    client, ministry_admin, analysed_volunteers, settings, url
):
    settings.LIST_ESTIMATED_COUNT_FROM = 50
    client.force_login(ministry_admin)
    status = "reg_status" if url == VOLUNTEERS else "status"
    count, counts = _counts(client, url, **{status: "active"})
    assert count >= 101  # the planner's estimate: more than a page, never counted
    table = "volunteers_volunteer" if url == VOLUNTEERS else "volunteers_registration"
    assert len([sql for sql in counts if table in sql]) == 1
    assert "LIMIT 101" in counts[-1]  # a page and a row, no more


@pytest.mark.parametrize("url", [VOLUNTEERS, REGISTRATIONS])
def test_a_small_filtered_volunteer_list_counts_exactly(
    client, ministry_admin, analysed_volunteers, settings, url
):
    settings.LIST_ESTIMATED_COUNT_FROM = 50
    client.force_login(ministry_admin)
    status = "reg_status" if url == VOLUNTEERS else "status"
    count, counts = _counts(client, url, **{status: "suspended"})
    assert count == 12
    assert all("LIMIT 101" not in sql for sql in counts)  # counted, not bounded


def test_a_volunteer_list_the_estimate_overstates_counts_the_page_exactly(
    client, ministry_admin, analysed_volunteers, settings
):
    settings.LIST_ESTIMATED_COUNT_FROM = 50
    # The statistics still say 120 active: 7 are.
    Registration.objects.filter(status="active").exclude(number__lte="0007/2562").update(
        status="ended"
    )
    client.force_login(ministry_admin)
    count, _ = _counts(client, VOLUNTEERS, reg_status="active")
    assert count == 7


def test_the_staff_volunteer_list_says_about_for_an_estimated_count(
    client, ministry_admin, analysed_volunteers, settings
):
    settings.LIST_ESTIMATED_COUNT_FROM = 50
    client.force_login(ministry_admin)
    response = client.get(STAFF_VOLUNTEERS, {"programme": "apm", "status": "active"})
    paginator = response.context["paginator"]
    assert paginator.estimated
    assert f"ประมาณ {paginator.count} คน" in response.content.decode()
    response = client.get(STAFF_VOLUNTEERS, {"programme": "apm", "status": "suspended"})
    assert not response.context["paginator"].estimated
    assert "อาสาสมัคร 12 คน" in response.content.decode()
