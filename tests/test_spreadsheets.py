"""The small-file writers of volunteer_centre.spreadsheets (the dashboards' tables and an
import's rejected rows): what a spreadsheet opens is what was given, defused, in Thai."""

import csv
import io
from decimal import Decimal

import openpyxl

from volunteer_centre.spreadsheets import csv_bytes, xlsx_bytes

HEADERS = ["เขต", "=ยอด"]
ROWS = [["บางเขน", Decimal("1234.50")], ['=HYPERLINK("http://x")', 3], ["@SUM(A1)", None]]


def test_a_csv_opens_in_excel_as_thai_with_every_formula_defused():
    data = csv_bytes(HEADERS, ROWS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["เขต", "'=ยอด"],
        ["บางเขน", "1234.50"],
        ['\'=HYPERLINK("http://x")', "3"],
        ["'@SUM(A1)", ""],
    ]


def test_an_xlsx_keeps_numbers_as_numbers_with_their_format_and_defuses_text():
    data = xlsx_bytes(
        HEADERS, ROWS, title="a/b:c" * 10, freeze="B2", number_formats={1: "#,##0.00"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == ("a b c" * 10)[:31].strip()
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [
        ["เขต", "'=ยอด"],
        ["บางเขน", 1234.5],
        ['\'=HYPERLINK("http://x")', 3],
        ["'@SUM(A1)", None],
    ]
    assert sheet["A1"].font.bold
    assert sheet["B1"].font.bold
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "B2"


def test_control_characters_that_xml_cannot_carry_become_replacement_marks():
    data = xlsx_bytes(["a"], [["x\x00y\x1bz"]], title="t")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "x\ufffdy\ufffdz"
