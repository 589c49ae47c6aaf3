"""Files of volunteers for the import tests."""

import csv
import io

import openpyxl

from tests.factories import national_id
from volunteer_centre.identity import format_national_id

HEADERS = [
    "national_id",
    "title",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "phone",
    "programme",
    "centre_code",
    "registration_number",
    "registered_on",
]
THAI_HEADERS = [
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "วันเกิด",
    "เพศ",
    "โทรศัพท์",
    "ประเภทอาสาสมัคร",
    "รหัสศูนย์",
    "เลขทะเบียน",
    "วันที่ขึ้นทะเบียน",
]


def good_row(n: int, **values) -> dict:
    """A valid row: the n-th person, an อพม. of Bang Khen (code BKN, the conftest's centre A)."""
    return {
        "national_id": format_national_id(national_id(1000 + n)),
        "title": "นาง",
        "first_name": "สมศรี",
        "last_name": f"มีสุข{'ก' * (n % 5)}",
        "birth_date": "25/05/2535",
        "sex": "หญิง",
        "phone": "081 234 5678",
        "programme": "อพม.",
        "centre_code": "BKN",
        "registration_number": f"{n:04d}/2562",
        "registered_on": "11/03/2562",
        **values,
    }


def csv_file(rows: list[dict], headers: list[str] = HEADERS, keys: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(key, "") for key in keys])
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(rows: list[dict], headers: list[str] = HEADERS, keys: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = {"csv": csv_file, "xlsx": xlsx_file}
