"""No browser or proxy keeps what a signed-in user was shown (Cache-Control: no-store), on
every kind of page and export, for every role; every response names the browser features the
site never uses (Permissions-Policy)."""

import pytest
from django.urls import reverse

from cases.services import case_open
from tests.cases.factories import PersonFactory
from volunteer_centre.middleware import PERMISSIONS_POLICY


@pytest.fixture
def case_a(chair_a, centre_a):
    return case_open(
        actor=chair_a,
        centre=centre_a,
        person=PersonFactory(centre=centre_a),
        intake_channel="walk_in",
        reporter_type="self",
        problems=["poverty"],
    )


def pages(case):
    """(user fixture, URL) of each kind: the desk, a case, a list, a form, an export, a
    dashboard, the admin's index, a list and a change page."""
    return [
        ("chair_a", reverse("home")),
        ("chair_a", reverse("cases:case-detail", args=[case.pk])),
        ("chair_a", reverse("cases:person-detail", args=[case.person_id])),
        ("chair_a", reverse("volunteers:volunteer-list")),
        ("chair_a", reverse("cases:visit-create", args=[case.pk])),
        ("chair_a", reverse("dashboards:unit", args=["district", "1005"])),
        (
            "chair_a",
            reverse("dashboards:unit-export", args=["district", "1005", "volunteers", "csv"]),
        ),
        ("chair_a", reverse("admin:cases_person_change", args=[case.person_id])),
        ("supervisor_north", reverse("cases:case-list")),
        ("supervisor_north", reverse("admin:index")),
        ("ministry_admin", reverse("admin:cases_case_changelist")),
        ("ministry_admin", reverse("admin:volunteers_volunteer_export_file", args=["csv"])),
    ]


def test_no_page_or_export_of_a_signed_in_user_is_stored(client, request, case_a):
    for who, url in pages(case_a):
        client.force_login(request.getfixturevalue(who))
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        assert "no-store" in response["Cache-Control"], (who, url)
        assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, (who, url)


def test_a_404_or_a_refusal_to_a_signed_in_user_is_not_stored_either(client, chair_b, case_a):
    client.force_login(chair_b)
    response = client.get(reverse("cases:case-detail", args=[case_a.pk]))
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_has_the_policy_and_static_files_stay_cacheable(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    static = client.get("/static/css/site.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
