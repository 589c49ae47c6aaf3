"""The dashboards' figures equal the same counts made in plain Python over the factory data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.translation import activate

from cases.dashboards.levels import load_unit, reach_for
from cases.dashboards.queries import Dashboard, Filters
from centres.models import Centre, District, Province
from tests.dashboards.conftest import FY, expected_figures, number, page_figures
from tests.dashboards.factories import (
    AssistanceFactory,
    CaseFactory,
    ReferralFactory,
    VisitFactory,
)
from tests.factories import CentreFactory, RegistrationFactory

LEVELS = [("nation", ""), ("region", "BKK"), ("province", "10"), ("district", "1005")]


def dashboard_values(user, level, code, **filters):
    unit = load_unit(level, code)
    dashboard = Dashboard(user, unit, reach_for(user), Filters(FY, **filters))
    figures, total = {}, {}
    for table in dashboard.tables():
        for row, values in table.rows:
            figures.setdefault(row.key, {}).update(values)
        total.update(table.total)
    return dashboard, figures, total


def assert_same(figures, total, expected_rows, expected_total):
    assert set(expected_rows) <= set(figures), "every row with figures has a row on the page"
    for key, values in figures.items():
        for column, value in values.items():
            assert value == expected_rows.get(key, {}).get(column, 0), (key, column)
    for column, value in total.items():
        assert value == expected_total.get(column, 0), ("total", column)


@pytest.mark.parametrize(("level", "code"), LEVELS)
def test_figures_equal_counts_made_in_python(world, superuser, level, code):
    visible = {c.pk for c in world.centres}
    _dashboard, figures, total = dashboard_values(superuser, level, code)
    assert_same(figures, total, *expected_figures(world, level, code, visible))


@pytest.mark.parametrize(
    "filters", [{"programme": "apm"}, {"programme": "foreign"}, {"problem": "poverty"}]
)
def test_filtered_figures_equal_counts_made_in_python(world, superuser, filters):
    visible = {c.pk for c in world.centres}
    _dashboard, figures, total = dashboard_values(superuser, "province", "10", **filters)
    assert_same(figures, total, *expected_figures(world, "province", "10", visible, **filters))


def test_the_world_is_not_trivial(world, superuser):
    """Guards the tests above: every kind of figure is non-zero somewhere."""
    _dashboard, _figures, total = dashboard_values(superuser, "nation", "")
    for column in (
        "active",
        "registered",
        "ended",
        "centres",
        "chairs",
        "open",
        "opened",
        "closed",
        "overdue",
        "visits",
        "assistance",
        "baht",
        "referrals",
    ):
        assert total[column] > 0, column


def test_page_shows_the_same_figures_in_thai_number_format(client, world, superuser):
    client.force_login(superuser)
    response = client.get(reverse("dashboards:unit", args=["province", "10"]), {"fy": FY})
    assert response.status_code == 200
    tables = page_figures(response.content.decode())
    visible = {c.pk for c in world.centres}
    rows, total = expected_figures(world, "province", "10", visible)
    for slug, page_rows in tables.items():
        for key, cells in page_rows.items():
            want = total if key == "total" else rows.get(key or None, {})
            for column, text in cells.items():
                if column == "_label":
                    continue
                assert number(text) == want.get(column, 0), (slug, key, column)
    # Thousands separators: baht over a thousand print with a comma.
    assert "," in tables["activity"]["total"]["baht"]


def test_a_person_in_two_programmes_counts_once_per_programme_and_once_in_total(superuser):
    centre = CentreFactory(district_id="1005")
    first = RegistrationFactory(centre=centre, programme="apm")
    RegistrationFactory(centre=centre, programme="aps", volunteer=first.volunteer)
    elsewhere = CentreFactory(district_id="1048")
    RegistrationFactory(centre=elsewhere, programme="apm", volunteer=first.volunteer)
    _d, figures, total = dashboard_values(superuser, "province", "10")
    assert figures["1005"]["active_apm"] == 1
    assert figures["1005"]["active_aps"] == 1
    assert figures["1005"]["active"] == 1
    assert figures["1048"]["active"] == 1
    assert total["active"] == 1  # one person, though two rows count them
    assert total["active_apm"] == 1


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (dt.date(2018, 9, 30), False),
        (dt.date(2018, 10, 1), True),
        (dt.date(2019, 9, 30), True),
        (dt.date(2019, 10, 1), False),
    ],
)
def test_fiscal_year_edges(superuser, day, counted):
    centre = CentreFactory(district_id="1005")
    RegistrationFactory(centre=centre, registered_on=day)
    RegistrationFactory(
        centre=centre, registered_on=dt.date(2017, 1, 1), status="ended", ended_on=day
    )
    case = CaseFactory(
        centre=centre, opened_on=min(day, dt.date(2018, 9, 30)), problems=["housing"]
    )
    CaseFactory(centre=centre, opened_on=day, status="closed", closed_on=day, problems=["poverty"])
    VisitFactory(case=case, visited_on=day)
    AssistanceFactory(case=case, given_on=day, amount=Decimal("1250.50"))
    ReferralFactory(case=case, referred_on=day, status="accepted")
    _d, figures, total = dashboard_values(superuser, "district", "1005")
    row = figures[centre.pk]
    assert row["registered"] == row["ended"] == row["visits"] == int(counted)
    assert row["opened"] == row["closed"] == int(counted)
    assert row["assistance"] == row["referrals"] == row["referral_accepted"] == int(counted)
    assert row["baht"] == (Decimal("1250.50") if counted else 0)
    # The case opened on the day counts under its problem; the other one (opened on 30 Sep
    # 2018 at the latest) never does.
    assert row["problem_poverty"] == int(counted)
    assert row["problem_housing"] == 0
    assert total["baht"] == row["baht"]
    assert total["problem_poverty"] == row["problem_poverty"]


def test_districts_without_centre_or_volunteers_appear_with_zero(superuser):
    CentreFactory(district_id="1005")  # a centre, but no volunteers
    dashboard, figures, _total = dashboard_values(superuser, "province", "10")
    bangkok_districts = District.objects.filter(province_id="10").count()
    assert len(dashboard.rows) == bangkok_districts == 50
    assert figures["1048"]["centres"] == 0
    assert figures["1048"]["active"] == 0
    assert figures["1005"]["centres"] == 1
    assert figures["1005"]["active"] == 0
    # The nation lists every region even when only Bangkok has a centre.
    dashboard, figures, _total = dashboard_values(superuser, "nation", "")
    assert [r.key for r in dashboard.rows][:5] == ["BKK", "C", "N", "NE", "S"]
    assert figures["S"]["open"] == 0


def test_national_centre_has_its_own_row_at_the_nation(superuser, national_centre):
    RegistrationFactory(centre=national_centre, programme="foreign")
    dashboard, figures, _total = dashboard_values(superuser, "nation", "")
    assert dashboard.rows[-1].key is None
    assert figures[None]["active_foreign"] == 1
    assert figures["BKK"]["active_foreign"] == 0
    # ...and nowhere below it.
    _d, figures, total = dashboard_values(superuser, "region", "BKK")
    assert total["active"] == 0


def test_closed_centre_counts_no_centre_but_keeps_its_figures(superuser):
    centre = CentreFactory(district_id="1005", status=Centre.Status.CLOSED)
    RegistrationFactory(centre=centre)
    _d, figures, _total = dashboard_values(superuser, "province", "10")
    assert figures["1005"]["centres"] == 0
    assert figures["1005"]["active"] == 1


def test_a_centre_whose_province_disagrees_with_its_district_counts_at_its_district(superuser):
    """Every row key is a listed place: the rows add up to the total at every level."""
    bangkok, chiang_mai = Province.objects.get(code="10"), Province.objects.get(code="50")
    astray = CentreFactory(district_id="5001", province=bangkok)  # Mueang Chiang Mai
    no_province = CentreFactory(district_id="1005", province=None)  # Bang Khen
    assert astray.province == bangkok
    assert no_province.province is None
    RegistrationFactory.create_batch(2, centre=astray)
    RegistrationFactory.create_batch(3, centre=no_province)
    CaseFactory(centre=astray)
    where = {}
    for level, code in [*LEVELS, ("region", "N"), ("province", "50"), ("district", "5001")]:
        dashboard, figures, total = dashboard_values(superuser, level, code)
        listed = {row.key for row in dashboard.rows}
        assert set(figures) == listed
        for column in ("active", "centres", "open", "registered"):
            assert sum(values[column] for values in figures.values()) == total[column], (
                level,
                code,
                column,
            )
        where[level, code] = {k: v["active"] for k, v in figures.items() if v["active"]}
    assert where["nation", ""] == {"BKK": 3, "N": 2}
    assert where["region", "BKK"] == {"10": 3}
    assert where["region", "N"] == {"50": 2}
    assert where["province", "10"] == {"1005": 3}
    assert where["province", "50"] == {"5001": 2}
    assert where["district", "1005"] == {no_province.pk: 3}
    assert where["district", "5001"] == {astray.pk: 2}
    assert chiang_mai.region_id == "N"


def test_english_row_label_falls_back_to_thai_when_the_english_name_is_empty(superuser):
    District.objects.filter(code="1005").update(name_en="")
    activate("en")
    try:
        dashboard, _figures, _total = dashboard_values(superuser, "province", "10")
    finally:
        activate("th")
    labels = {row.key: row.label for row in dashboard.rows}
    assert labels["1005"] == "เขตบางเขน"
    assert labels["1048"] == "Thawi Watthana"


def test_volunteer_chart_draws_the_persons_column_of_the_table(client, superuser):
    """A person in two programmes is one person in the bar, as in the table."""
    centre = CentreFactory(district_id="1005")
    first = RegistrationFactory(centre=centre, programme="apm")
    RegistrationFactory(centre=centre, programme="aps", volunteer=first.volunteer)
    RegistrationFactory.create_batch(2, centre=CentreFactory(district_id="1048"), programme="apm")
    client.force_login(superuser)
    response = client.get(reverse("dashboards:unit", args=["province", "10"]))
    table = page_figures(response.content.decode())["volunteers"]
    chart = response.context["charts"]["volunteers"]
    assert [d["key"] for d in chart["datasets"]] == ["active"]
    assert chart["datasets"][0]["label"] == "อาสาสมัครที่ปฏิบัติงาน (คน)"
    page_column = [number(cells["active"]) for key, cells in table.items() if key != "total"]
    assert chart["datasets"][0]["data"] == page_column
    bars = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert bars["เขตบางเขน"] == 1
    assert bars["เขตทวีวัฒนา"] == 2
    # The cases chart stacks the open statuses, which add up to the open cases column.
    CaseFactory(centre=centre, status="assessing")
    CaseFactory(centre=centre, status="closed")
    response = client.get(reverse("dashboards:unit", args=["province", "10"]))
    cases = page_figures(response.content.decode())["cases"]
    chart = response.context["charts"]["cases"]
    stacked = [sum(values) for values in zip(*(d["data"] for d in chart["datasets"]), strict=True)]
    assert stacked == [number(cells["open"]) for key, cells in cases.items() if key != "total"]
    assert sum(stacked) == 1
