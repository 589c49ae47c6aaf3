"""Admin lists at national size: an unfiltered list of a large table is counted from
PostgreSQL's estimate, any filtered, searched or scoped list exactly, and no list counts the
whole table a second time beside a filtered count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.factories import cases_bulk

pytestmark = pytest.mark.django_db

CASES = reverse("admin:cases_case_changelist")


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
