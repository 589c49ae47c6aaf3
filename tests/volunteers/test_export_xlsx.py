"""The XLSX writer's rows: plain rows (written without cell references) and rows that need
escaping (written with them) side by side keep every cell in its place."""

import io

import openpyxl

from volunteer_centre.spreadsheets import write_xlsx


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
    ]
    out = io.BytesIO()
    assert write_xlsx(out, ["A", "B", "C", "D"], [rows[:3], rows[3:]], title="x") == 7
    expected = [("A", "B", "C", "D")] + [
        tuple(text.replace("\x01", "\ufffd") or None for text in row) for row in rows
    ]
    assert read(out.getvalue()) == expected
    assert read(out.getvalue(), read_only=True) == expected
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["A6"].alignment.wrap_text and not sheet["A5"].alignment.wrap_text
