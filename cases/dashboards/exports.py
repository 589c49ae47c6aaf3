"""CSV and XLSX of one dashboard table: the page's rows and total, in the user's language."""

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from cases.dashboards.queries import Table
from volunteer_centre.spreadsheets import safe_cell

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def header(table: Table, row_heading: str) -> list[str]:
    return [safe_cell(str(row_heading)), *(safe_cell(str(c.label)) for c in table.columns)]


def body(table: Table) -> list[list]:
    """The rows and total; a place or centre name that starts like a formula is defused."""
    return [[safe_cell(value) for value in row] for row in table.raw_rows()]


def export_table(table: Table, fmt: str, row_heading: str, filename: str) -> HttpResponse:
    writer = _csv if fmt == "csv" else _xlsx
    response = HttpResponse(writer(table, row_heading), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.{fmt}"'
    return response


def _csv(table: Table, row_heading: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(table, row_heading))
    writer.writerows(body(table))
    # The byte-order mark makes Excel read the Thai as UTF-8.
    return ("\ufeff" + out.getvalue()).encode()


def _xlsx(table: Table, row_heading: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = slugify(table.slug)[:31]
    sheet.append(header(table, row_heading))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    money = {i + 2 for i, c in enumerate(table.columns) if c.money}
    for values in body(table):
        sheet.append(values)
        for col in money:
            sheet.cell(row=sheet.max_row, column=col).number_format = "#,##0.00"
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
