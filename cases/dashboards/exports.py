"""CSV and XLSX of one dashboard table: the page's rows and total, in the user's language."""

from django.http import HttpResponse
from django.utils.text import slugify

from cases.dashboards.queries import Table
from volunteer_centre.spreadsheets import CONTENT_TYPES, csv_bytes, xlsx_bytes

FORMATS = CONTENT_TYPES


def header(table: Table, row_heading: str) -> list[str]:
    return [str(row_heading), *(str(c.label) for c in table.columns)]


def export_table(table: Table, fmt: str, row_heading: str, filename: str) -> HttpResponse:
    writer = _csv if fmt == "csv" else _xlsx
    response = HttpResponse(writer(table, row_heading), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.{fmt}"'
    return response


def _csv(table: Table, row_heading: str) -> bytes:
    return csv_bytes(header(table, row_heading), table.raw_rows())


def _xlsx(table: Table, row_heading: str) -> bytes:
    money = {i + 1: "#,##0.00" for i, c in enumerate(table.columns) if c.money}
    return xlsx_bytes(
        header(table, row_heading),
        table.raw_rows(),
        title=slugify(table.slug),
        freeze="B2",
        number_formats=money,
    )
