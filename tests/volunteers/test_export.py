"""The admin's volunteer export: the same file as before it streamed, a fixed number of queries
per chunk of volunteers whatever their number, the user's scope, the list's filters and
search, and formula cells defused."""

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from centres.models import Subdistrict
from centres.roles import roles_sync
from tests.factories import (
    RegistrationFactory,
    StaffAssignmentFactory,
    VolunteerFactory,
    also_supervising_the_north,
    national_id,
)
from tests.volunteers.test_admin import make_staff
from tests.volunteers.test_export_xlsx import columns_of
from volunteer_centre.identity import format_national_id
from volunteer_centre.spreadsheets import TooManyRows, safe_cell, safe_texts, write_xlsx
from volunteers.models import Programme, Registration, Volunteer

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
URL = "admin:volunteers_volunteer_export_file"


def export(client, file_format="csv", **params):
    response = client.get(reverse(URL, args=[file_format]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for Thai
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def person(n, first_name, last_name="", **fields):
    return VolunteerFactory(
        national_id=national_id(n), first_name=first_name, last_name=last_name, **fields
    )


def registration(volunteer, centre, number, **fields):
    return RegistrationFactory(volunteer=volunteer, centre=centre, number=number, **fields)


@pytest.fixture
def sample(centre_a, centre_b):
    """Volunteers covering every column and every way of choosing a row's registration, made
    in the list's order (by name)."""
    formulas = person(
        2,
        "กมล",
        "ใจดี",
        sex="male",
        phone="+6621234567",
        line_id="@evil",
        road="+66 ถนน",
        skills='=HYPERLINK("http://evil.example/","click")\nบรรทัดที่สอง',
        languages="-1",
    )
    registration(formulas, centre_a, "0003/2562", registered_on=dt.date(2019, 3, 11))
    # No registration at all: only the ministry sees them, with the registration cells empty.
    person(7, "กาญจนา", "พรหมมา")
    foreigner = Volunteer.objects.create(
        national_id=None,
        passport_number="TZ1234567",
        nationality="JP",
        first_name="ทาคาชิ",
        last_name="ยามาโมโตะ",
        name_latin="Takashi YAMAMOTO",
        birth_date=dt.date(1990, 4, 2),
        sex="male",
        phone="+81312345678",
    )
    registration(
        foreigner,
        centre_a,
        "0002/2560",
        programme=Programme.FOREIGN,
        registered_on=dt.date(2017, 5, 1),
        visa_type="Non-Immigrant O",
        visa_expires_on=dt.date(2027, 4, 30),
        work_permit_number="WP-0001",
        host_organisation="JICA",
        certifying_agency="กรมการจัดหางาน",
        service_starts_on=dt.date(2017, 5, 1),
        service_ends_on=dt.date(2027, 4, 30),
    )
    # Two registrations of one day: the later saved is the row's.
    same_day = person(4, "บุญมี", "ทองดี")
    registration(same_day, centre_a, "0004/2563", registered_on=dt.date(2020, 2, 1))
    registration(
        same_day, centre_a, "0005/2563", programme=Programme.APMK, registered_on=dt.date(2020, 2, 1)
    )
    in_b = person(5, "ประเสริฐ", "ศรีสุข")
    registration(in_b, centre_b, "0006/2563", registered_on=dt.date(2020, 3, 1))
    # Registered in both centres, the later in B: a chair of A sees the one in A.
    shared = person(6, "วิชัย", "บุญเรือง")
    registration(shared, centre_a, "0007/2561", registered_on=dt.date(2018, 7, 1))
    registration(shared, centre_b, "0008/2564", registered_on=dt.date(2021, 7, 1))
    full = person(
        1,
        "สมศรี",
        "มีสุข",
        title="นาง",
        birth_date=dt.date(1985, 5, 25),
        sex="female",
        phone="+66812345678",
        email="somsri@example.org",
        line_id="somsri.line",
        house_number="12/3",
        moo="4",
        village="หมู่บ้านสุขใจ",
        soi="รามอินทรา 8",
        road="รามอินทรา",
        subdistrict=Subdistrict.objects.get(code="100502"),
        postcode="10220",
        skills="ปฐมพยาบาล, ทำอาหาร",
        languages="ไทย, อังกฤษ",
    )
    # An older ended อพม. registration and a newer active อผส. one: the newer is the row's,
    # unless a filter on the programme asks for อพม.
    registration(
        full,
        centre_a,
        "0001/2558",
        registered_on=dt.date(2015, 6, 1),
        status="ended",
        ended_on=dt.date(2018, 12, 31),
        end_reason='ย้ายไป "เชียงใหม่", แล้ว',
    )
    registration(
        full, centre_a, "0002/2562", programme=Programme.APS, registered_on=dt.date(2019, 3, 11)
    )
    ministry = person(3, "อรุณ", "แก้วมณี", title="ว่าที่ร้อยตรี")
    registration(
        ministry,
        centre_a,
        "",
        programme=Programme.MINISTRY,
        status="suspended",
        other_ministry="กระทรวงสาธารณสุข",
        registered_on=dt.date(2020, 1, 15),
    )
    return {
        "full": full,
        "formulas": formulas,
        "foreigner": foreigner,
        "in_b": in_b,
        "shared": shared,
    }


def golden(name: str) -> bytes:
    return (DATA / name).read_bytes()


# -- the same file as before ---------------------------------------------------------------------
# The files in data/ were written by the export before it streamed (django-import-export),
# from this same sample; the sample is made in the list's (name) order, which the old export
# followed and which is here also the order of entry, which the streamed export follows.


@pytest.fixture
def staff_a(chair_a):
    return make_staff(chair_a)


@pytest.mark.parametrize(
    ("language", "params", "expected"),
    [
        ("th", {}, "export_th.csv"),
        ("en", {}, "export_en.csv"),
        ("th", {"programme": "apm"}, "export_th_apm.csv"),
        ("th", {"q": "สม"}, "export_th_search.csv"),
    ],
)
def test_the_csv_is_byte_for_byte_the_file_the_export_wrote_before_it_streamed(
    client, superuser, sample, language, params, expected, settings
):
    settings.VOLUNTEER_EXPORT_CHUNK_SIZE = 3  # the sample spans chunks
    client.force_login(superuser)
    client.post(reverse("set_language"), {"language": language, "next": "/admin/"})
    assert export(client, **params) == golden(expected)


def test_the_xlsx_holds_the_cells_of_the_csv(client, superuser, sample, settings):
    settings.VOLUNTEER_EXPORT_CHUNK_SIZE = 3
    client.force_login(superuser)
    assert xlsx_rows(export(client, "xlsx")) == csv_rows(golden("export_th.csv"))


def test_a_chair_exports_only_their_centres_volunteers_with_their_registrations(
    client, staff_a, sample
):
    client.force_login(staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    content = export(client)
    assert content == golden("export_chair_a.csv")
    rows = csv_rows(content)
    assert format_national_id(sample["in_b"].national_id) not in {row[0] for row in rows}
    # The shared volunteer's registration in B is newer, but B is not the chair's.
    shared = next(r for r in rows if r[0] == format_national_id(sample["shared"].national_id))
    assert shared[22:24] == ["BKN", "0007/2561"]


def test_a_chair_who_supervises_a_region_exports_what_they_read(client, staff_a, sample):
    also_supervising_the_north(staff_a)
    client.force_login(staff_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert export(client) == golden("export_chair_a_north.csv")
    assert xlsx_rows(export(client, "xlsx")) == csv_rows(golden("export_chair_a_north.csv"))


def test_a_ministry_administrator_who_is_no_superuser_exports_the_whole_registry(
    client, ministry_admin, sample
):
    client.force_login(ministry_admin)
    assert export(client) == golden("export_th.csv")


def test_centre_staff_export_what_their_chair_does(client, centre_a, sample):
    staff = StaffAssignmentFactory(role="staff", centre=centre_a).user
    roles_sync(staff)
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert export(client) == golden("export_chair_a.csv")


def test_a_supervisor_exports_the_volunteers_of_their_region_only(client, supervisor_north, sample):
    client.force_login(supervisor_north)
    rows = csv_rows(export(client))[1:]
    assert [(r[4], r[22], r[23]) for r in rows] == [
        ("ประเสริฐ", "CMI", "0006/2563"),
        ("วิชัย", "CMI", "0008/2564"),
    ]


def test_formula_cells_are_defused_in_both_formats(client, superuser, sample):
    client.force_login(superuser)
    for rows in (csv_rows(export(client)), xlsx_rows(export(client, "xlsx"))):
        row = next(r for r in rows if r[4] == "กมล")
        assert row[11] == "'@evil"
        assert row[16] == "'+66 ถนน"
        assert row[20] == "'-1"
        assert row[19].startswith("'=HYPERLINK(")
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx")))
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


@given(st.lists(st.text(alphabet="aก=+-@\t\r\x1f 1", max_size=4), max_size=6))
def test_a_row_is_defused_cell_by_cell_as_safe_cell_does(texts):
    assert safe_texts(texts) == [safe_cell(text) for text in texts]


# -- order, filters, search ----------------------------------------------------------------------


def test_rows_come_in_the_order_volunteers_entered_the_registry(client, superuser, centre_a):
    later_in_the_alphabet = person(1, "อรุณ")
    registration(later_in_the_alphabet, centre_a, "0001/2562")
    earlier = person(2, "กมล")
    registration(earlier, centre_a, "0002/2562")
    client.force_login(superuser)
    assert [row[4] for row in csv_rows(export(client))[1:]] == ["อรุณ", "กมล"]


def test_a_cell_holding_the_separator_the_chunks_are_read_with_loses_nothing(
    client, superuser, centre_a
):
    # Chunks are read as one text joined by \x1f; a chunk with a cell holding it is read again
    # the ordinary way, its dates, empty cells and registrations in place.
    before = person(1, "กมล", birth_date=dt.date(1980, 2, 29))
    registration(before, centre_a, "0001/2562", registered_on=dt.date(2019, 3, 11))
    pasted = person(2, "อรุณ", road="ถนน\x1fสุข", phone="")
    registration(pasted, centre_a, "0002/2562", ended_on=None)
    client.force_login(superuser)
    rows = csv_rows(export(client))[1:]
    assert [(r[4], r[7], r[9], r[16], r[23], r[24]) for r in rows] == [
        ("กมล", "29/02/2523", "", "", "0001/2562", "11/03/2562"),
        ("อรุณ", rows[1][7], "", "ถนน\x1fสุข", "0002/2562", rows[1][24]),
    ]
    assert xlsx_rows(export(client, "xlsx"))[2][16] == "ถนน\ufffdสุข"


def test_the_export_holds_only_the_rows_the_filters_and_the_search_keep(
    client, superuser, sample, centre_b
):
    client.force_login(superuser)
    by_centre = csv_rows(export(client, centre=str(centre_b.pk)))[1:]
    assert {r[4] for r in by_centre} == {"ประเสริฐ", "วิชัย"}
    assert all(r[22] == "CMI" for r in by_centre)
    suspended = xlsx_rows(export(client, "xlsx", reg_status="suspended"))[1:]
    assert [(r[4], r[25]) for r in suspended] == [("อรุณ", "พักการปฏิบัติงาน")]
    found = csv_rows(export(client, q="yamamoto"))[1:]
    assert [r[1] for r in found] == ["TZ1234567"]
    assert csv_rows(export(client, q="ไม่มีใครชื่อนี้")) == csv_rows(golden("export_th.csv"))[:1]


def test_an_unknown_filter_leads_back_to_the_list_not_to_an_error(client, superuser, sample):
    client.force_login(superuser)
    response = client.get(reverse(URL, args=["csv"]), {"no_such_field": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_the_csv_streams_and_the_xlsx_is_a_file(client, superuser, sample):
    client.force_login(superuser)
    csv_response = client.get(reverse(URL, args=["csv"]))
    assert csv_response.streaming
    assert csv_response["Content-Type"] == "text/csv"
    assert csv_response["Content-Disposition"].startswith("attachment; filename=")
    xlsx_response = client.get(reverse(URL, args=["xlsx"]))
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert int(xlsx_response["Content-Length"]) == len(xlsx_response.getvalue())
    assert client.get(reverse(URL, args=["pdf"])).status_code == 404


# -- queries ---------------------------------------------------------------------------------------


def registry_of(count: int, centre, start: int = 0) -> None:
    """``count`` volunteers with two registrations each, saved in two queries."""
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(national_id=national_id(100 + n), first_name=f"อาสา{n}", phone="+66812345678")
        for n in range(start, start + count)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre,
            programme=programme,
            registered_on=on,
            number=f"{start + n:04d}/{be}",
        )
        for n, v in enumerate(volunteers)
        for programme, on, be in (
            (Programme.APM, dt.date(2019, 1, 1), 2562),
            (Programme.APS, dt.date(2020, 1, 1), 2563),
        )
    )


def queries_of_an_export(client, file_format, **params) -> tuple[int, list[list[str]]]:
    with CaptureQueriesContext(connection) as queries:
        content = export(client, file_format, **params)
    rows = csv_rows(content) if file_format == "csv" else xlsx_rows(content)
    return len(queries), rows


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_runs_two_queries_a_chunk_whatever_the_number_of_volunteers(
    client, staff_a, centre_a, settings, file_format, django_assert_max_num_queries
):
    settings.VOLUNTEER_EXPORT_CHUNK_SIZE = 100
    client.force_login(staff_a)
    registry_of(30, centre_a)
    small, rows = queries_of_an_export(client, file_format, programme="apm")
    assert len(rows) == 1 + 30
    assert {r[21] for r in rows[1:]} == {"อพม."}
    registry_of(3000, centre_a, start=30)
    with django_assert_max_num_queries(small + 2 * 30):
        large, rows = queries_of_an_export(client, file_format, programme="apm")
    assert len(rows) == 1 + 3030
    assert {r[21] for r in rows[1:]} == {"อพม."}
    # 31 chunks of 100 instead of one: 30 more of (the volunteers, their registrations).
    assert large - small == 2 * 30
    settings.VOLUNTEER_EXPORT_CHUNK_SIZE = 5000
    with django_assert_max_num_queries(small):
        queries_of_an_export(client, file_format)


# -- the XLSX writer -------------------------------------------------------------------------------


def test_the_xlsx_keeps_spaces_line_breaks_and_xml_specials_and_replaces_control_characters():
    out = io.BytesIO()
    rows = [[" ก่อน", "หลัง ", "a & <b>"], ["สอง\nบรรทัด", "ควบคุม\x01", ""]]
    chunks = [columns_of(rows[:1]), columns_of(rows[1:])]
    assert write_xlsx(out, ["หนึ่ง", "สอง", "สาม"], chunks, title="อาสาสมัคร") == 2
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = book.active
    assert sheet.title == "อาสาสมัคร"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert xlsx_rows(out.getvalue()) == [
        ["หนึ่ง", "สอง", "สาม"],
        [" ก่อน", "หลัง ", "a & <b>"],
        ["สอง\nบรรทัด", "ควบคุม\ufffd", ""],
    ]
    assert sheet["A3"].alignment.wrap_text
    assert not sheet["A2"].alignment.wrap_text
    # The import's reader (read-only mode) sees rows as wide as the header.
    read = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    assert [len(row) for row in read.iter_rows(values_only=True)] == [3, 3, 3]


def test_more_rows_than_a_sheet_holds_are_refused():
    with pytest.raises(TooManyRows):
        write_xlsx(io.BytesIO(), ["a"], [[["1", "2"]], [["3"]]], title="x", max_rows=2)
