"""The XLSX writer's rows, made a column at a time: columns empty throughout, plain, with empty
cells, and needing care (escaping, spaces, line breaks, the separator of its checks) side by side
keep every cell in its place."""

import io

import openpyxl

from volunteer_centre.spreadsheets import write_xlsx


def columns_of(rows: list) -> list[list[str]]:
    """A chunk of ``rows`` as write_xlsx takes it: its columns."""
    return [list(column) for column in zip(*rows, strict=True)]


def read(content: bytes, **options) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), **options).active
    return list(sheet.iter_rows(values_only=True))


def test_plain_and_escaped_rows_keep_their_cells_spaces_and_empty_cells_in_place():
    rows = [
        ["หนึ่ง", "", "สาม", ""],
        ["a & b", "", " เว้นหน้า", "ท้าย "],
        ["", " ", "ก\x01ข", "x"],
        [" หน้า", "กลาง", "หลัง ", ""],
        ["บรรทัด\nสอง", "", "", "สุดท้าย"],
        ["", "", "", ""],
        ["ท้ายสุด", "<ไม่ใช่แท็ก>", "", "z"],
        ["ฯ๛", "", "", "๛"],
    ]
    out = io.BytesIO()
    chunks = [
        columns_of(rows[:3]),
        columns_of(rows[3:5]),
        columns_of(rows[5:6]),
        columns_of(rows[6:]),
    ]
    assert write_xlsx(out, ["A", "B", "C", "D"], chunks, title="x") == 8
    expected = [("A", "B", "C", "D")] + [
        tuple(text.replace("\x01", "\ufffd") or None for text in row) for row in rows
    ]
    assert read(out.getvalue()) == expected
    assert read(out.getvalue(), read_only=True) == expected
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A6"].alignment.wrap_text
    assert not sheet["A5"].alignment.wrap_text


def test_a_chunk_of_plain_columns_and_columns_empty_throughout_is_one_template():
    rows = [("ก", "", "1"), ("ข", "", "2")]
    out = io.BytesIO()
    write_xlsx(out, ["A", "B", "C"], [columns_of(rows), [["ค"], [""], [""]]], title="x")
    assert read(out.getvalue()) == [
        ("A", "B", "C"),
        ("ก", None, "1"),
        ("ข", None, "2"),
        ("ค", None, None),
    ]
