"""The import service: good, bad and mixed files in both modes, CSV and XLSX."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import RegistrationFactory, VolunteerFactory, national_id
from tests.volunteers.helpers import FILES, HEADERS, THAI_HEADERS, csv_file, good_row, xlsx_file
from volunteers import importing
from volunteers.importing import ImportFileError, read_table, volunteers_import
from volunteers.models import Programme, Registration, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(content, name="volunteers.csv", **options):
    options.setdefault("actor", None)
    return volunteers_import(content=content, file_name=name, **options)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_is_imported_whole(centre_a, kind):
    rows = [good_row(n) for n in range(1, 6)]
    report = run(FILES[kind](rows), f"good.{kind}")
    assert report.committed
    assert not report.rejected
    assert report.saved_count == 5
    assert Volunteer.objects.count() == Registration.objects.count() == 5
    volunteer = Volunteer.objects.get(national_id=national_id(1001))
    assert volunteer.birth_date == dt.date(1992, 5, 25)  # 25/05/2535 BE
    assert volunteer.phone == "+66812345678"
    assert volunteer.title == "นาง"
    assert volunteer.sex == "female"
    registration = volunteer.registrations.get()
    assert (registration.programme, registration.number) == (Programme.APM, "0001/2562")
    assert registration.registered_on == dt.date(2019, 3, 11)
    assert registration.centre == centre_a
    assert registration.status == Registration.Status.ACTIVE


def test_thai_headers_and_thai_digits_are_accepted(centre_a):
    row = good_row(1)
    thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
    row |= {
        key: row[key].translate(thai)
        for key in ("national_id", "birth_date", "phone", "registration_number", "registered_on")
    }
    report = run(xlsx_file([row], headers=THAI_HEADERS), "thai.xlsx")
    assert report.committed, report.error_lines()
    volunteer = Volunteer.objects.get()
    assert volunteer.national_id == national_id(1001)
    assert volunteer.registrations.get().number == "0001/2562"


def test_excel_numbers_and_dates_are_read_for_what_they_are(centre_a):
    row = good_row(1)
    row |= {
        "national_id": int(national_id(1001)),  # Excel keeps a typed ID as a number
        "phone": 812345678,  # and drops the leading zero of a phone
        "birth_date": dt.date(2535, 5, 25),  # a BE date typed into a date cell
        "registered_on": dt.date(2019, 3, 11),
    }
    report = run(xlsx_file([row]), "numbers.xlsx")
    assert report.committed, report.error_lines()
    volunteer = Volunteer.objects.get()
    assert (volunteer.phone, volunteer.birth_date) == ("+66812345678", dt.date(1992, 5, 25))


def test_gregorian_and_iso_dates_are_accepted(centre_a):
    rows = [
        good_row(1, birth_date="25/05/1992", registered_on="2019-03-11"),
        good_row(2, birth_date="25 พ.ค. 2535", registered_on="11 มีนาคม 2562"),
    ]
    report = run(csv_file(rows))
    assert report.committed, report.error_lines()
    assert set(Volunteer.objects.values_list("birth_date", flat=True)) == {dt.date(1992, 5, 25)}


def test_blank_rows_are_skipped_not_errors(centre_a):
    rows = [good_row(1), {}, {"first_name": "  "}, good_row(2)]
    report = run(csv_file(rows))
    assert report.committed
    assert report.blank_rows == 2
    assert Volunteer.objects.count() == 2
    assert "2 blank rows skipped" in report.summary()


def bad(n, **values):
    return good_row(n, **values)


def wrong_check_digit(n):
    good = national_id(1000 + n)
    return good[:12] + str((int(good[12]) + 1) % 10)


BAD_ROWS = {
    "wrong check digit": (
        lambda: bad(2, national_id=wrong_check_digit(2)),
        "national_id",
        "check digit",
    ),
    "12 digits": (lambda: bad(2, national_id=national_id(1002)[:12]), "national_id", "12"),
    "14 digits": (lambda: bad(2, national_id=national_id(1002) + "1"), "national_id", "14"),
    "BE year in an ISO date": (lambda: bad(2, birth_date="2535-05-25"), "birth_date", "1992-05-25"),
    "Gregorian year taken for BE twice": (
        lambda: bad(2, birth_date="25/05/1449"),
        "birth_date",
        "years old",
    ),
    "future birth date": (
        lambda: bad(
            2, birth_date=(timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
        ),
        "birth_date",
        "future",
    ),
    "too young for an อพม.": (lambda: bad(2, birth_date="01/01/2555"), "registered_on", "18"),
    "Gregorian year in a registration number": (
        lambda: bad(2, registration_number="0002/2019"),
        "registration_number",
        "2562",
    ),
    "unknown centre": (lambda: bad(2, centre_code="XYZ"), "centre_code", "XYZ"),
    "unknown programme": (lambda: bad(2, programme="อสม."), "programme", "อพม."),
    "two-digit year": (lambda: bad(2, birth_date="25/05/35"), "birth_date", "four digits"),
    "no such day": (lambda: bad(2, birth_date="31/02/2535"), "birth_date", "no such day"),
    "name with digits": (lambda: bad(2, first_name="สมศรี2"), "first_name", "«2»"),
    "bad phone": (lambda: bad(2, phone="12345"), "phone", "081 234 5678"),
    "twenty-digit year": (
        lambda: bad(2, birth_date="01/01/99999999999999999999"),
        "birth_date",
        "four digits",
    ),
    "five-digit year": (lambda: bad(2, registered_on="1/1/10000"), "registered_on", "four digits"),
    "BE year taken off twice": (
        lambda: bad(2, registered_on="11/03/1476"),
        "registered_on",
        "2002",
    ),
    "อพม. without a birth date": (lambda: bad(2, birth_date=""), "programme", "birth date"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_names_row_column_and_problem_and_nothing_is_saved(centre_a, case):
    make, column, words = BAD_ROWS[case]
    report = run(csv_file([good_row(1), make(), good_row(3)]))
    assert not report.committed
    assert Volunteer.objects.count() == 0
    assert Registration.objects.count() == 0
    [rejected] = report.rejected
    assert rejected.number == 3  # the header is line 1, the first person line 2
    assert any(c == column and words in m for c, m in rejected.errors), rejected.errors
    assert any(line.startswith(f"Row 3, {column}: ") for line in report.error_lines())


def test_messages_are_thai_in_thai(centre_a):
    with translation.override("th"):
        report = run(csv_file([good_row(1, birth_date="2535-05-25")], headers=THAI_HEADERS))
        assert report.error_lines() == [
            "แถวที่ 2 คอลัมน์ วันเกิด: «2535-05-25» ใช้ปี พ.ศ. ในรูปแบบ ปี-เดือน-วัน ซึ่งใช้กับปี "
            "ค.ศ. เท่านั้น กรุณาพิมพ์ 1992-05-25 หรือ 25/05/2535"
        ]
        assert report.summary().startswith("ไม่ได้บันทึกข้อมูลใด")


def test_a_duplicate_of_an_existing_volunteer_is_refused(centre_a):
    VolunteerFactory(national_id=national_id(1002))
    report = run(csv_file([good_row(1), good_row(2)]))
    assert [r.number for r in report.rejected] == [3]
    assert "already registered" in report.rejected[0].errors[0][1]
    assert Volunteer.objects.count() == 1


def test_the_same_person_twice_in_one_file_is_refused_with_the_first_row(centre_a):
    rows = [good_row(1), good_row(2), good_row(9, national_id=good_row(1)["national_id"])]
    report = run(csv_file(rows))
    [rejected] = report.rejected
    assert rejected.number == 4
    assert rejected.errors == [("national_id", "The same as row 2 of this file.")]


def test_a_registration_number_used_in_the_programme_is_refused(centre_a):
    RegistrationFactory(number="0001/2562", programme=Programme.APM)
    report = run(csv_file([good_row(1)]))
    assert report.rejected[0].errors[0][0] == "registration_number"
    # The same number in another programme is fine.
    report = run(csv_file([good_row(1, programme="อผส.")]))
    assert report.committed


def test_a_centre_outside_the_importers_scope_is_refused(centre_a, centre_b, chair_b):
    report = run(csv_file([good_row(1), good_row(2, centre_code="CMI")]), actor=chair_b)
    [rejected] = report.rejected
    assert rejected.number == 2
    assert rejected.errors == [("centre_code", "The centre «BKN» is not one of your centres.")]
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_partial_mode_saves_the_valid_rows_and_returns_the_rest(centre_a, kind):
    rows = [
        good_row(1),
        good_row(2, birth_date="2535-05-25"),
        good_row(3),
        good_row(4, centre_code="XYZ"),
    ]
    report = run(FILES[kind](rows), f"mixed.{kind}", partial=True)
    assert report.committed
    assert report.saved_count == 2
    assert set(Volunteer.objects.values_list("national_id", flat=True)) == {
        national_id(1001),
        national_id(1003),
    }
    assert Registration.objects.count() == 2
    table = read_table(report.rejects_file(), report.rejects_file_name())
    assert table.format == kind
    assert table.headers == [*HEADERS, "row", "errors"]
    assert [str(row[-2]) for row in table.rows] == ["3", "5"]
    assert "birth_date: " in table.rows[0][-1]
    assert "centre_code: " in table.rows[1][-1]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_mixed_file_saves_nothing_by_default(centre_a, kind):
    rows = [good_row(1), good_row(2, national_id=wrong_check_digit(2)), good_row(3)]
    report = run(FILES[kind](rows), f"mixed.{kind}")
    assert not report.committed
    assert report.saved_count == 0
    assert len(report.valid) == 2
    assert len(report.rejected) == 1
    assert Volunteer.objects.count() == 0


def test_a_corrected_rejects_file_imports(centre_a):
    report = run(csv_file([good_row(1), good_row(2, centre_code="XYZ")]), partial=True)
    rejects = report.rejects_file().decode("utf-8-sig").replace("XYZ", "BKN")
    again = run(rejects.encode(), "volunteers-rejected.csv")
    assert again.committed
    assert again.saved_count == 1
    assert not again.warnings
    assert Volunteer.objects.count() == 2


def test_a_dry_run_checks_everything_and_saves_nothing(centre_a):
    report = run(csv_file([good_row(1), good_row(2)]), dry_run=True)
    assert not report.committed
    assert not report.rejected
    assert len(report.valid) == 2
    assert Volunteer.objects.count() == 0
    assert "nothing saved" in report.summary()


def test_a_row_is_never_half_saved_when_the_database_refuses_it(centre_a, monkeypatch):
    # Someone registers the same number between the checks and the save: the volunteer saved a
    # moment before the registration must go too. The pre-checks are switched off to get there.
    monkeypatch.setattr(importing._Importer, "_check_duplicates", lambda *args: None)
    RegistrationFactory(number="0002/2562", programme=Programme.APM)
    report = run(csv_file([good_row(1), good_row(2), good_row(3)]), partial=True)
    assert [r.number for r in report.rejected] == [3]
    assert report.rejected[0].errors == [
        ("registration_number", "This registration number is already used in this programme.")
    ]
    assert not Volunteer.objects.filter(national_id=national_id(1002)).exists()
    assert (
        Volunteer.objects.filter(national_id__in=[national_id(1001), national_id(1003)]).count()
        == 2
    )


def test_a_foreign_volunteer_is_imported_with_passport_and_nationality(national_centre):
    row = {
        "passport_number": "tz 1234567",
        "nationality": "ญี่ปุ่น",
        "first_name": "ทาคาชิ",
        "name_latin": "Takashi YAMAMOTO",
        "birth_date": "1990-04-02",
        "programme": "foreign",
        "centre_code": "NAT",
        "registered_on": "01/05/2560",
        "visa_type": "Non-Immigrant O",
        "visa_expires_on": "30/04/2570",
    }
    keys = list(row)
    report = run(csv_file([row], headers=keys, keys=keys))
    assert report.committed, report.error_lines()
    volunteer = Volunteer.objects.get()
    assert (volunteer.passport_number, volunteer.nationality.code) == ("TZ1234567", "JP")
    assert volunteer.registrations.get().visa_expires_on == dt.date(2027, 4, 30)
    missing_latin = {**row, "passport_number": "AB123456", "name_latin": ""}
    report = run(csv_file([missing_latin], headers=keys, keys=keys))
    assert report.rejected[0].errors[0][0] == "name_latin"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"%PDF-1.4 whatever"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("volunteers.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("fake.xlsx", b"national_id,first_name\n"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook"),
        ("empty.csv", b""),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused_whole(centre_a, name, content):
    with pytest.raises(ImportFileError) as error:
        run(content, name)
    assert error.value.message
    assert Volunteer.objects.count() == 0


def test_missing_columns_are_named(centre_a):
    with pytest.raises(ImportFileError) as error:
        run(b"national_id,first_name\n" + national_id(1).encode() + b",x\n")
    assert "programme, centre_code, registered_on" in error.value.message


def test_unknown_columns_are_ignored_with_a_warning(centre_a):
    headers = [*HEADERS, "shoe size"]
    report = run(csv_file([good_row(1)], headers=headers, keys=[*HEADERS, "x"]))
    assert report.committed
    assert report.warnings == [
        "The column «shoe size» is not one this import knows; it was ignored."
    ]


def test_english_labels_are_accepted_as_headers_too(centre_a):
    with translation.override("en"):
        labels = [str(importing.COLUMN_BY_KEY[k].label) for k in HEADERS]
    assert labels[0] == "national ID"
    report = run(csv_file([good_row(1)], headers=labels))
    assert report.committed, report.error_lines()


def test_a_windows_thai_csv_is_read(centre_a):
    content = csv_file([good_row(1)], headers=THAI_HEADERS).decode("utf-8-sig").encode("cp874")
    report = run(content)
    assert report.committed, report.error_lines()
    assert Volunteer.objects.get().first_name == "สมศรี"


def test_semicolon_separated_csv_is_read(centre_a):
    content = csv_file([good_row(1)]).decode("utf-8-sig").replace(",", ";").encode()
    assert run(content).committed


FOREIGN_KEYS = [
    "passport_number",
    "nationality",
    "first_name",
    "name_latin",
    "birth_date",
    "programme",
    "centre_code",
    "registered_on",
]


def foreign_row(n, **values):
    return {
        "passport_number": f"TZ{1234560 + n}",
        "nationality": "JP",
        "first_name": "ทาคาชิ",
        "name_latin": "Takashi YAMAMOTO",
        "birth_date": "1990-04-02",
        "programme": "network",
        "centre_code": "BKN",
        "registered_on": "01/05/2562",
        **values,
    }


def test_the_same_passport_twice_in_one_file_is_refused_with_the_first_row(centre_a):
    rows = [
        foreign_row(1),
        foreign_row(2),
        foreign_row(3, passport_number="tz 1234561", nationality="ญี่ปุ่น"),
        foreign_row(4, passport_number="TZ1234561", nationality="KR"),
    ]
    report = run(csv_file(rows, FOREIGN_KEYS, FOREIGN_KEYS))
    [rejected] = report.rejected
    assert rejected.number == 4
    assert rejected.errors == [("passport_number", "The same as row 2 of this file.")]
    assert Volunteer.objects.count() == 0  # all or nothing


def test_a_passport_already_registered_for_that_country_is_refused(centre_a):
    Volunteer.objects.create(
        national_id=None,
        passport_number="TZ1234561",
        nationality="JP",
        first_name="ทาคาชิ",
        name_latin="Takashi YAMAMOTO",
    )
    rows = [foreign_row(1), foreign_row(1, nationality="KR", passport_number="tz1234561")]
    report = run(csv_file(rows, FOREIGN_KEYS, FOREIGN_KEYS), partial=True)
    [rejected] = report.rejected
    assert rejected.number == 2
    assert rejected.errors == [
        ("passport_number", "A volunteer with this passport is already registered.")
    ]
    assert Volunteer.objects.filter(nationality="KR").count() == 1  # another country's passport


def test_a_subdistrict_code_in_thai_digits_is_read(centre_a):
    keys = [*HEADERS, "subdistrict_code"]
    report = run(csv_file([good_row(1, subdistrict_code="๑๐๐๕๐๒")], keys, keys))
    assert report.committed, report.error_lines()
    volunteer = Volunteer.objects.get()
    assert volunteer.subdistrict_id == "100502"
    assert volunteer.postcode == "10220"


@pytest.mark.parametrize("kind", ["csv"])  # openpyxl would write the test's text as formulas
def test_the_rejects_file_cannot_run_a_formula(centre_a, kind):
    keys = [*HEADERS, "skills"]
    formulas = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)"]
    rows = [good_row(n, centre_code="XYZ", skills=f) for n, f in enumerate(formulas, start=1)]
    rows.append(good_row(9, first_name="=1+1"))
    report = run(FILES[kind](rows, keys, keys), name=f"formulas.{kind}", partial=True)
    table = read_table(report.rejects_file(), report.rejects_file_name())
    cells = [str(cell) for row in table.rows for cell in row if cell not in (None, "")]
    assert not [c for c in cells if c[:1] in "=+-@\t\r"], cells
    assert "'=HYPERLINK" in " ".join(cells)
    # The apostrophe comes off again when the corrected file is imported.
    assert importing.cell_text("'-2+3") == "-2+3"
    assert importing.cell_text("'quoted") == "'quoted"


def test_a_chair_who_supervises_a_region_imports_only_into_their_own_centre(
    centre_a, centre_b, chair_a
):
    from tests.factories import also_supervising_the_north

    also_supervising_the_north(chair_a)
    report = run(csv_file([good_row(1), good_row(2, centre_code="CMI")]), actor=chair_a)
    [rejected] = report.rejected
    assert (rejected.number, rejected.errors[0][0]) == (3, "centre_code")
    assert not report.committed
    assert Volunteer.objects.count() == 0


def test_the_imports_queries_do_not_grow_with_its_rows(centre_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = run(csv_file([good_row(n) for n in range(1, rows + 1)]), dry_run=True)
        assert len(report.valid) == min(rows, importing.PREVIEW_ROWS)
        assert report.valid_count == rows
        return len(captured)

    assert queries(50) == queries(500)


def test_a_file_longer_than_a_chunk_refuses_a_duplicate_of_an_earlier_chunk(centre_a, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_CHUNK_ROWS", 3)
    rows = [good_row(n) for n in range(1, 8)]
    rows.append(good_row(9, national_id=good_row(2)["national_id"]))  # row 9, chunk 3
    report = run(csv_file(rows), partial=True)
    [rejected] = report.rejected
    assert rejected.number == 9
    assert rejected.errors == [("national_id", "The same as row 3 of this file.")]
    assert report.saved_count == 7
    assert Volunteer.objects.count() == 7
    assert Registration.objects.filter(volunteer__national_id=national_id(1002)).count() == 1


class _Reads:
    """Stands in for a model instance in its clean(), noting the fields clean() reads."""

    def __init__(self, instance, reads: set, prefix: str = ""):
        object.__setattr__(self, "_instance", instance)
        object.__setattr__(self, "_reads", reads)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name):
        fields = {f.attname: f.name for f in type(self._instance)._meta.concrete_fields}
        value = getattr(self._instance, name)
        if name == "volunteer":  # the volunteer's own fields are what it reads of it
            return _Reads(value, self._reads, "volunteer.")
        if name in fields or name in {f.name for f in type(self._instance)._meta.fields}:
            self._reads.add(self._prefix + fields.get(name, name))
        return value

    def __setattr__(self, name, value):
        setattr(self._instance, name, value)


def test_the_import_keeps_the_models_rules_outcomes_by_all_that_they_read(centre_a):
    # The import runs Volunteer.clean and Registration.clean once for each combination of the
    # fields they read (importing._*_READS): a field read but not listed would let one row's
    # outcome stand for another's. Every branch is walked: a Thai, a foreign and an empty row.
    from centres.models import Subdistrict

    subdistrict = Subdistrict.objects.first()
    reads: set[str] = set()
    people = [
        Volunteer(
            national_id=national_id(1),
            passport_number="AB12345",
            nationality="JP",
            name_latin="A",
            postcode="10220",
            subdistrict=subdistrict,
            birth_date=dt.date(1990, 1, 1),
        ),
        Volunteer(passport_number="AB12345", postcode="1", birth_date=dt.date(2020, 1, 1)),
        Volunteer(),
    ]
    for person in people:
        for programme in Programme.values:
            for status in Registration.Status.values:
                for dates in (None, dt.date(2003, 1, 1), dt.date(2019, 1, 1)):
                    registration = Registration(
                        volunteer=person,
                        programme=programme,
                        status=status,
                        centre=centre_a,
                        registered_on=dates,
                        ended_on=dates,
                        suspended_on=dates,
                        suspension_reason="x" if dates else "",
                        service_starts_on=dates,
                        service_ends_on=dates and dates.replace(year=2002),
                        visa_expires_on=dates,
                        other_ministry="x" if dates else "",
                    )
                    for instance in (person, registration):
                        try:
                            type(instance).clean(_Reads(instance, reads))
                        except Exception:  # noqa: S112 (the outcome is not what is tested)
                            continue
    declared = {
        *importing._VOLUNTEER_READS,
        *importing._REGISTRATION_READS,
        *(f"volunteer.{n}" for n in importing._REGISTRATION_VOLUNTEER_READS),
    }
    assert "postcode" in reads
    assert "volunteer.birth_date" in reads
    assert reads <= declared, reads - declared


def test_the_same_mistake_on_many_rows_is_named_on_each(centre_a):
    rows = [good_row(n, ended_on="01/01/2560", status="ended") for n in range(1, 4)]
    rows.insert(1, good_row(9, ended_on="01/01/2563", status="ended"))
    headers = [*HEADERS, "ended_on", "status"]
    report = run(csv_file(rows, headers, headers), partial=True)
    assert [r.number for r in report.rejected] == [2, 4, 5]
    for rejected in report.rejected:
        assert rejected.errors == [("ended_on", "The end date is before the registration date.")]
    assert report.saved_count == 1
