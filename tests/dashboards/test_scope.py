"""Who sees which dashboard: places outside a user's reach answer 404, pages and exports alike,
and the figures on a page count only what the user may see."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from centres.demo import DEMO_PASSWORD
from centres.models import Region
from tests.dashboards.conftest import page_figures
from tests.factories import CentreFactory, RegistrationFactory, StaffAssignmentFactory, UserFactory


def page(level, code=""):
    return (
        reverse("dashboards:nation")
        if level == "nation"
        else reverse("dashboards:unit", args=[level, code])
    )


def export(level, code="", table="volunteers", fmt="csv"):
    if level == "nation":
        return reverse("dashboards:nation-export", args=[table, fmt])
    return reverse("dashboards:unit-export", args=[level, code, table, fmt])


def supervisor(**where):
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="supervisor", centre=None, **where)
    return user


@pytest.mark.parametrize("url", [page("nation"), page("district", "1005"), export("nation")])
def test_anonymous_user_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_user_is_sent_to_the_login_page_from_the_index(client):
    response = client.get(reverse("dashboards:index"))
    assert response["Location"].startswith(reverse("login"))


def test_chair_sees_own_district_and_only_own_centre(client, centre_a, chair_a):
    neighbour = CentreFactory(code="BKN2", district_id="1005", parent=centre_a.parent)
    RegistrationFactory.create_batch(3, centre=centre_a)
    RegistrationFactory.create_batch(5, centre=neighbour)
    client.force_login(chair_a)
    response = client.get(reverse("dashboards:index"))
    assert response["Location"] == page("district", "1005")
    response = client.get(page("district", "1005"))
    assert response.status_code == 200
    rows = page_figures(response.content.decode())["volunteers"]
    assert set(rows) == {str(centre_a.pk), "total"}
    assert rows["total"]["active"] == "3"


@pytest.mark.parametrize(
    "url",
    [
        page("nation"),
        page("region", "BKK"),
        page("province", "10"),
        page("district", "5001"),
        export("nation"),
        export("province", "10", "cases", "xlsx"),
        export("district", "5001", "activity"),
    ],
)
def test_chair_gets_404_above_and_beside_own_district(client, chair_a, url):
    client.force_login(chair_a)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        page("nation"),
        page("region", "BKK"),
        page("province", "10"),
        page("district", "1005"),
        export("region", "BKK"),
        export("district", "1005", "problems", "xlsx"),
    ],
)
def test_supervisor_of_another_region_gets_404(client, centre_a, supervisor_north, url):
    client.force_login(supervisor_north)
    assert client.get(url).status_code == 404


def test_supervisor_of_a_region_starts_there_and_sees_below(client, centre_b, supervisor_north):
    client.force_login(supervisor_north)
    assert client.get(reverse("dashboards:index"))["Location"] == page("region", "N")
    for url in (page("region", "N"), page("province", "50"), page("district", "5001")):
        assert client.get(url).status_code == 200, url
    assert client.get(export("province", "50", "cases", "xlsx")).status_code == 200


def test_bangkok_supervisor_counts_only_bangkok(client, centre_a, centre_b, national_centre):
    RegistrationFactory.create_batch(2, centre=centre_a)
    RegistrationFactory.create_batch(4, centre=centre_b)
    RegistrationFactory.create_batch(8, centre=national_centre, programme="foreign")
    user = supervisor(region=Region.objects.get(code="BKK"))
    client.force_login(user)
    assert client.get(reverse("dashboards:index"))["Location"] == page("region", "BKK")
    assert client.get(page("nation")).status_code == 404
    rows = page_figures(client.get(page("region", "BKK")).content.decode())["volunteers"]
    assert rows["total"]["active"] == "2"


def test_province_supervisor_starts_at_the_province(client, centre_b):
    client.force_login(supervisor(province_id="50"))
    assert client.get(reverse("dashboards:index"))["Location"] == page("province", "50")
    assert client.get(page("region", "N")).status_code == 404
    assert client.get(page("province", "10")).status_code == 404


def test_national_supervisor_and_ministry_admin_see_the_nation(
    client, national_centre, centre_a, centre_b, ministry_admin
):
    RegistrationFactory(centre=centre_a)
    RegistrationFactory(centre=centre_b)
    national = UserFactory()
    StaffAssignmentFactory(user=national, role="supervisor", centre=national_centre)
    for user in (national, ministry_admin):
        client.force_login(user)
        assert client.get(reverse("dashboards:index"))["Location"] == page("nation")
        rows = page_figures(client.get(page("nation")).content.decode())["volunteers"]
        assert rows["total"]["active"] == "2"
        assert rows["BKK"]["active"] == rows["N"]["active"] == "1"


def test_user_with_several_places_chooses_among_them(client, centre_b):
    user = supervisor(province_id="50")
    StaffAssignmentFactory(user=user, role="supervisor", centre=None, province_id="10")
    client.force_login(user)
    response = client.get(reverse("dashboards:index"))
    assert response.status_code == 200
    assert page("province", "10") in response.content.decode()
    assert page("province", "50") in response.content.decode()


def test_user_without_assignment_gets_404(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboards:index")).status_code == 404
    assert client.get(page("nation")).status_code == 404


def test_breadcrumb_links_only_reachable_levels(client, centre_b, supervisor_north):
    client.force_login(supervisor_north)
    html = client.get(page("district", "5001")).content.decode()
    assert f'href="{page("region", "N")}' in html
    assert f'href="{page("province", "50")}' in html
    assert f'href="{page("nation")}' not in html


def test_unknown_place_or_table_answers_404(client, superuser):
    client.force_login(superuser)
    assert client.get(page("district", "9999")).status_code == 404
    assert client.get("/dashboards/district/1005/secrets.csv").status_code == 404
    assert client.get("/dashboards/country/TH/").status_code == 404


@pytest.mark.parametrize(
    "fy",
    [
        "abc",
        "1999",
        "๒๕๖๒<script>",
        "-1",
        "99999999999999999999",
        "²",  # str.isdigit() says yes, int() refuses
        "2562²",
        "٢٥٦٢",  # Arabic-Indic digits, which int() would read as 2562
        "２５６２",  # full-width digits
        "2562\x00",
        "\x00",
        "๒" * 5000,
        "1e3",
        "2562.0",
    ],
)
def test_bad_filter_shows_an_error_and_the_default_year(client, superuser, fy):
    client.force_login(superuser)
    response = client.get(page("nation"), {"fy": fy, "programme": "nope", "problem": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"fy", "programme", "problem"}
    assert response.context["filters"].fiscal_year == form.current_fy
    assert "<script>" not in response.content.decode().split("<main>")[1].split("</main>")[0]


@pytest.mark.parametrize(
    ("typed", "fy"),
    [("2562", 2562), ("๒๕๖๒", 2562), ("2019", 2562), (" ๒๐๑๙ ", 2562), ("๒๕๖๐", 2560)],
)
def test_fiscal_year_typed_in_be_gregorian_or_thai_digits(client, superuser, typed, fy):
    client.force_login(superuser)
    response = client.get(page("nation"), {"fy": typed})
    assert not response.context["form"].errors
    assert response.context["filters"].fiscal_year == fy


@pytest.mark.parametrize("value", ["\x00", "apm\x00", "²", "a" * 5000, "<b>x</b>"])
def test_odd_programme_or_problem_shows_an_error_and_counts_everything(client, superuser, value):
    client.force_login(superuser)
    for url in (page("nation"), page("province", "10"), export("nation", table="problems")):
        response = client.get(url, {"programme": value, "problem": value})
        assert response.status_code == 200, url
    response = client.get(page("province", "10"), {"programme": value, "problem": value})
    assert set(response.context["form"].errors) == {"programme", "problem"}
    filters = response.context["filters"]
    assert (filters.programme, filters.problem) == ("", "")


@pytest.mark.parametrize("level", ["region", "province", "district"])
@pytest.mark.parametrize("code", ["%00", "10%00", "%E0%B9%91%E0%B9%90", "10'", "10%20", "1" * 9])
def test_odd_place_code_answers_404(client, superuser, level, code):
    client.force_login(superuser)
    assert client.get(f"/dashboards/{level}/{code}/").status_code == 404
    assert client.get(f"/dashboards/{level}/{code}/volunteers.csv").status_code == 404


def test_district_centre_without_province_reaches_its_district_not_the_nation(client, db):
    centre = CentreFactory(district_id="1005", province=None, level="district")
    RegistrationFactory.create_batch(2, centre=centre)
    chair = UserFactory()
    StaffAssignmentFactory(user=chair, role="chair", centre=centre)
    client.force_login(chair)
    assert client.get(reverse("dashboards:index"))["Location"] == page("district", "1005")
    for url in (page("nation"), page("region", "BKK"), page("province", "10"), export("nation")):
        assert client.get(url).status_code == 404, url
    rows = page_figures(client.get(page("district", "1005")).content.decode())["volunteers"]
    assert rows[str(centre.pk)]["active"] == "2"


def test_provincial_centre_without_province_starts_at_its_districts_province(client, db):
    centre = CentreFactory(district_id="5001", province=None, level="provincial")
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="supervisor", centre=centre)
    client.force_login(user)
    assert client.get(reverse("dashboards:index"))["Location"] == page("province", "50")
    assert client.get(page("nation")).status_code == 404
    assert client.get(page("region", "N")).status_code == 404


def test_centre_with_no_place_that_is_not_national_reaches_no_level(client, national_centre):
    centre = CentreFactory(
        district=None,
        province=None,
        level="regional",
        parent=national_centre,
        code="NOWHERE",
        name_th="ศูนย์ไม่ระบุที่ตั้ง",
    )
    chair = UserFactory()
    StaffAssignmentFactory(user=chair, role="chair", centre=centre)
    client.force_login(chair)
    assert client.get(reverse("dashboards:index")).status_code == 404
    for url in (page("nation"), export("nation"), page("region", "BKK")):
        assert client.get(url).status_code == 404, url


def test_district_page_says_centre_rows_lead_no_further(client, superuser, centre_a):
    client.force_login(superuser)
    html = client.get(page("district", "1005")).content.decode()
    assert "แต่ละแถวด้านล่างคือศูนย์" in html
    row = html.split(f'data-row="{centre_a.pk}"')[1].split("</tr>")[0]
    assert "<a " not in row
    assert "แต่ละแถวด้านล่างคือศูนย์" not in client.get(page("province", "10")).content.decode()


def test_demo_supervisors_start_at_the_nation_and_at_bangkok(client, db):
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    homes = {"supervisor": page("nation"), "supervisor_bkk": page("region", "BKK")}
    for username, home in homes.items():
        assert client.login(username=username, password=DEMO_PASSWORD)
        assert client.get(reverse("dashboards:index"))["Location"] == home
        assert client.get(home).status_code == 200
        client.logout()
    assert client.login(username="supervisor_bkk", password=DEMO_PASSWORD)
    assert client.get(page("nation")).status_code == 404
    assert client.get(page("region", "N")).status_code == 404
