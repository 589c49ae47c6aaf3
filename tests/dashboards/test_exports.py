"""Every table exports to CSV and XLSX with the figures of its page, in the user's language."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from cases.dashboards.queries import Dashboard
from tests.dashboards.conftest import FY, build_world, number, page_figures
from tests.module_data import made_once
from volunteer_centre.spreadsheets import safe_cell


@pytest.fixture(scope="module")
def _world_built(django_db_setup, django_db_blocker):
    """The dashboards' world, built once for this module, whose tests only read it."""
    yield from made_once(django_db_blocker, build_world)


@pytest.fixture
def world(_world_built, db):
    return _world_built


def read_export(response, fmt) -> list[list]:
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [row for row in csv.reader(io.StringIO(text))]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def as_number(value):
    return number(value) if isinstance(value, str) else value


def unit_urls(level, code, table, fmt):
    if level == "nation":
        return reverse("dashboards:nation"), reverse("dashboards:nation-export", args=[table, fmt])
    return (
        reverse("dashboards:unit", args=[level, code]),
        reverse("dashboards:unit-export", args=[level, code, table, fmt]),
    )


def assert_export_equals_page(client, level, code, table, fmt, query) -> list[list]:
    page_url, export_url = unit_urls(level, code, table, fmt)
    page = client.get(page_url, query)
    rows = page_figures(page.content.decode())[table]
    response = client.get(export_url, query)
    assert response.status_code == 200
    name = "-".join(filter(None, [table, level, code.lower(), f"fy{FY}"]))
    assert f"{name}.{fmt}" in response["Content-Disposition"]
    header, *body = read_export(response, fmt)
    page_columns = [c for c in rows["total"] if c != "_label"]
    assert len(header) == len(page_columns) + 1
    # Row by row in the page's order (two centres of a district may share a name).
    assert len(body) == len(rows)
    for (label, *values), cells in zip(body, rows.values(), strict=True):
        assert label == cells["_label"]
        assert [as_number(v) for v in values] == [number(cells[c]) for c in page_columns], label
    return body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", Dashboard.TABLES)
def test_export_equals_its_page(client, world, superuser, table, fmt):
    client.force_login(superuser)
    body = assert_export_equals_page(client, "province", "10", table, fmt, {"fy": FY})
    assert len(body) == 52  # 50 districts, the province's own centres, total


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("level", "code", "query", "rows"),
    [
        ("nation", "", {}, 7),  # five regions, the national centre, total
        ("district", "1005", {}, 3),  # Bang Khen's two centres, total
        ("province", "10", {"programme": "apm"}, 52),
        ("nation", "", {"programme": "foreign"}, 7),
        ("province", "10", {"problem": "poverty"}, 52),
        ("district", "1005", {"problem": "family_violence", "programme": "aps"}, 3),
    ],
)
@pytest.mark.parametrize("table", Dashboard.TABLES)
def test_export_equals_its_page_at_every_level_and_filter(
    client, world, superuser, table, fmt, level, code, query, rows
):
    client.force_login(superuser)
    body = assert_export_equals_page(client, level, code, table, fmt, {"fy": FY, **query})
    assert len(body) == rows
    assert any(any(v not in (0, "0") for v in row[1:]) for row in body), "some figure is non-zero"


def test_export_headers_follow_the_language(client, world, superuser):
    client.force_login(superuser)
    url = reverse("dashboards:unit-export", args=["province", "10", "volunteers", "csv"])
    thai = read_export(client.get(url), "csv")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    english = read_export(client.get(url), "csv")
    assert thai[0][:2] == ["อำเภอ/เขต", "อพม."]
    assert english[0][:2] == ["District", "SDHS (อพม.)"]
    assert thai[-1][0] == "รวม"
    assert english[-1][0] == "Total"
    # The same figures; English sorts the districts by their English names.
    assert sorted(r[1:] for r in thai[1:]) == sorted(r[1:] for r in english[1:])


def test_export_respects_the_filters(client, world, superuser):
    client.force_login(superuser)
    url = reverse("dashboards:nation-export", args=["volunteers", "csv"])
    header, *_rows = read_export(client.get(url, {"programme": "apm"}), "csv")
    assert header[1] == "อพม."
    assert "อผส." not in header


def test_page_in_english_names_places_and_columns_in_english(client, world, superuser):
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:unit", args=["province", "10"])).content.decode()
    assert "Bang Khen" in html
    assert "SDHS (อพม.)" in html
    assert "Whole country" in html
    assert "เขตบางเขน" not in html


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x.example","y")'],
)
def test_safe_cell_defuses_text_that_starts_like_a_formula(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", [None, 0, -3, 12.5, Decimal("-1250.50"), dt.date(2019, 3, 11), "เขตบางเขน", "a=1", ""]
)
def test_safe_cell_leaves_numbers_dates_and_plain_text_alone(value):
    assert safe_cell(value) is value
