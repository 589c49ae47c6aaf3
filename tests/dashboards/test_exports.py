"""Every table exports to CSV and XLSX with the figures of its page, in the user's language."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from cases.dashboards.queries import Dashboard
from tests.dashboards.conftest import FY, number, page_figures


def read_export(response, fmt) -> list[list]:
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [row for row in csv.reader(io.StringIO(text))]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def as_number(value):
    return number(value) if isinstance(value, str) else value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", Dashboard.TABLES)
def test_export_equals_its_page(client, world, superuser, table, fmt):
    client.force_login(superuser)
    query = {"fy": FY}
    page = client.get(reverse("dashboards:unit", args=["province", "10"]), query)
    rows = page_figures(page.content.decode())[table]
    response = client.get(
        reverse("dashboards:unit-export", args=["province", "10", table, fmt]), query
    )
    assert response.status_code == 200
    assert f"{table}-province-10-fy{FY}.{fmt}" in response["Content-Disposition"]
    header, *body = read_export(response, fmt)
    page_columns = [c for c in rows["total"] if c != "_label"]
    assert len(header) == len(page_columns) + 1
    by_label = {cells["_label"]: cells for key, cells in rows.items()}
    assert len(body) == len(rows) == 52  # 50 districts, the province's own centres, total
    for label, *values in body:
        cells = by_label[label]
        assert [as_number(v) for v in values] == [number(cells[c]) for c in page_columns], label


def test_export_headers_follow_the_language(client, world, superuser):
    client.force_login(superuser)
    url = reverse("dashboards:unit-export", args=["province", "10", "volunteers", "csv"])
    thai = read_export(client.get(url), "csv")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    english = read_export(client.get(url), "csv")
    assert thai[0][:2] == ["อำเภอ/เขต", "อพม."]
    assert english[0][:2] == ["District", "SDHS (อพม.)"]
    assert thai[-1][0] == "รวม" and english[-1][0] == "Total"
    # The same figures; English sorts the districts by their English names.
    assert sorted(r[1:] for r in thai[1:]) == sorted(r[1:] for r in english[1:])


def test_export_respects_the_filters(client, world, superuser):
    client.force_login(superuser)
    url = reverse("dashboards:nation-export", args=["volunteers", "csv"])
    header, *_rows = read_export(client.get(url, {"programme": "apm"}), "csv")
    assert header[1] == "อพม." and "อผส." not in header


def test_page_in_english_names_places_and_columns_in_english(client, world, superuser):
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:unit", args=["province", "10"])).content.decode()
    assert "Bang Khen" in html and "SDHS (อพม.)" in html and "Whole country" in html
    assert "เขตบางเขน" not in html
