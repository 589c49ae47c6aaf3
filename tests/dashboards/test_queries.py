"""Each dashboard page and export runs the same number of queries whatever the number of
districts, centres, volunteers and cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboards.conftest import build_world

# A chair's district page: session, user, scope, reach, the place, its centres, eight figure
# queries (centres, registrations by row and in total, cases, overdue, visits, assistance,
# referrals), SET LOCAL jit and, inside the test's transaction, a savepoint and its release.
MAX_QUERIES = 17
URLS = [
    reverse("dashboards:nation"),
    reverse("dashboards:unit", args=["region", "BKK"]),
    reverse("dashboards:unit", args=["province", "10"]),
    reverse("dashboards:unit", args=["district", "1005"]),
    reverse("dashboards:unit", args=["province", "10"]) + "?programme=apm&problem=poverty",
    reverse("dashboards:nation-export", args=["volunteers", "xlsx"]),
    reverse("dashboards:unit-export", args=["province", "10", "cases", "csv"]),
    reverse("dashboards:unit-export", args=["district", "1005", "activity", "csv"]),
]


def count_queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["superuser", "chair_a"])
def test_query_count_does_not_grow_with_the_data(
    db, client, request, django_assert_max_num_queries, who
):
    user = request.getfixturevalue(who)
    urls = URLS if who == "superuser" else [u for u in URLS if "1005/" in u]
    client.force_login(user)
    small = build_world(scale=1)
    before = {url: count_queries(client, url, django_assert_max_num_queries) for url in urls}
    # Four times the volunteers and cases, and centres in six more Bangkok districts.
    big = build_world(
        scale=4,
        seed=7,
        prefix="X",
        districts=["1005", "1002", "1003", "1004", "1006", "1007", "1008"],
    )
    assert len(big.registrations) > 3 * len(small.registrations)
    after = {url: count_queries(client, url, django_assert_max_num_queries) for url in urls}
    assert after == before
