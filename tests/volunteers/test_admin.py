"""The volunteer admin: search by every key, scoped filters, query budget, scope, export and
import through the pages."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    AttendanceFactory,
    CentreFactory,
    CentreRoleFactory,
    OrganisationFactory,
    RegistrationFactory,
    VolunteerFactory,
    national_id,
)
from tests.volunteers.helpers import HEADERS, csv_file, good_row
from volunteer_centre.identity import format_national_id
from volunteers.models import (
    CentreRole,
    Organisation,
    Programme,
    Registration,
    Volunteer,
    VolunteerImport,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:volunteers_volunteer_changelist"
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def make_staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="volunteers"),
        *Permission.objects.filter(content_type__app_label="centres", codename="view_centre"),
    )
    return user


@pytest.fixture
def staff_a(chair_a):
    return make_staff(chair_a)


@pytest.fixture
def staff_b(chair_b):
    return make_staff(chair_b)


def volunteer_at(centre, n, first_name="สมศรี", last_name="มีสุข", **registration):
    volunteer = VolunteerFactory(
        national_id=national_id(n), first_name=first_name, last_name=last_name
    )
    RegistrationFactory(volunteer=volunteer, centre=centre, **registration)
    return volunteer


def listed(response):
    return list(response.context["cl"].result_list)


def search(client, term, **params):
    return listed(client.get(reverse(CHANGELIST), {"q": term, **params}))


# -- the pages answer ----------------------------------------------------------------------------

PAGES = [
    "admin:volunteers_volunteer_changelist",
    "admin:volunteers_volunteer_add",
    "admin:volunteers_registration_changelist",
    "admin:volunteers_registration_add",
    "admin:volunteers_centrerole_changelist",
    "admin:volunteers_centrerole_add",
    "admin:volunteers_organisation_changelist",
    "admin:volunteers_organisation_add",
    "admin:volunteers_event_changelist",
    "admin:volunteers_event_add",
    "admin:volunteers_volunteerimport_changelist",
    "admin:volunteers_volunteer_import",
]


@pytest.mark.parametrize("name", PAGES)
def test_admin_pages_answer_a_superuser(client, superuser, centre_a, name):
    volunteer_at(centre_a, 1)
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_the_change_page_of_a_volunteer_answers_with_its_inlines(client, superuser, centre_a):
    volunteer = volunteer_at(centre_a, 1)
    CentreRoleFactory(volunteer=volunteer, centre=centre_a)
    client.force_login(superuser)
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert format_national_id(national_id(1)) in content  # shown the printed way
    for inline in ("registrations", "centre_roles", "memberships", "attendances"):
        assert f'id="{inline}-group"' in content


# -- search --------------------------------------------------------------------------------------


@pytest.fixture
def people(centre_a):
    somsri = volunteer_at(centre_a, 1, "สมศรี", "มีสุข", number="0012/2562")
    prasert = volunteer_at(centre_a, 2, "ประเสริฐ", "ใจดี", number="0013/2562")
    foreigner = Volunteer.objects.create(
        passport_number="TZ1234567",
        nationality="JP",
        first_name="ทาคาชิ",
        name_latin="Takashi YAMAMOTO",
    )
    RegistrationFactory(volunteer=foreigner, centre=centre_a, programme=Programme.FOREIGN)
    return somsri, prasert, foreigner


def test_search_finds_a_thai_name_by_any_part(client, superuser, people):
    somsri, prasert, _foreigner = people
    client.force_login(superuser)
    assert search(client, "มศร") == [somsri]
    assert search(client, "ใจดี") == [prasert]
    assert search(client, "สมศรี มีสุข") == [somsri]
    assert search(client, "yamamoto") == [people[2]]


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n,
        format_national_id,
        lambda n: format_national_id(n).replace("-", " "),
        lambda n: format_national_id(n).translate(THAI_DIGITS),
    ],
)
def test_search_finds_a_national_id_however_typed(client, superuser, people, typed):
    client.force_login(superuser)
    assert search(client, typed(national_id(2))) == [people[1]]


def test_search_finds_a_passport_and_a_registration_number(client, superuser, people):
    client.force_login(superuser)
    assert search(client, "tz1234567") == [people[2]]
    assert search(client, "12/2562") == [people[0]]
    assert search(client, "๐๐๑๓/๒๕๖๒") == [people[1]]


def test_a_wrong_check_digit_finds_nobody_rather_than_everybody(client, superuser, people):
    client.force_login(superuser)
    wrong = national_id(2)[:12] + str((int(national_id(2)[12]) + 1) % 10)
    assert search(client, format_national_id(wrong)) == []


def test_name_search_uses_the_trigram_indexes(people):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Volunteer.objects.search("มีสุข").explain()
    assert "volunteer_first_trgm" in plan
    assert "volunteer_last_trgm" in plan
    assert "volunteer_latin_trgm" in plan


# -- order, filters, query budget ---------------------------------------------------------------


def test_names_are_listed_in_thai_dictionary_order(client, superuser, centre_a):
    for n, name in enumerate(["ไก่", "ขวด", "กา", "โกง", "แก้ว", "เกาะ"], start=1):
        volunteer_at(centre_a, n, first_name=name)
    client.force_login(superuser)
    names = [v.first_name for v in listed(client.get(reverse(CHANGELIST)))]
    assert names == ["กา", "เกาะ", "แก้ว", "โกง", "ไก่", "ขวด"]


def test_registration_filters_describe_one_registration(client, superuser, centre_a):
    other = CentreFactory(district_id="1048")
    both = volunteer_at(centre_a, 1)  # active อพม. at centre A
    split = volunteer_at(centre_a, 2, status="ended", ended_on=dt.date(2020, 1, 1))
    RegistrationFactory(volunteer=split, centre=other, programme=Programme.APS)
    client.force_login(superuser)
    params = {"programme": "apm", "reg_status": "active"}
    assert listed(client.get(reverse(CHANGELIST), params)) == [both]
    assert set(listed(client.get(reverse(CHANGELIST), {"reg_status": "active"}))) == {both, split}
    by_centre = {"centre": other.pk, "programme": "apm"}
    assert listed(client.get(reverse(CHANGELIST), by_centre)) == []


def test_province_and_region_filters_follow_the_registration_centre(
    client, superuser, centre_a, centre_b
):
    bangkok = volunteer_at(centre_a, 1)
    chiang_mai = volunteer_at(centre_b, 2)
    client.force_login(superuser)
    assert listed(client.get(reverse(CHANGELIST), {"region": "N"})) == [chiang_mai]
    assert listed(client.get(reverse(CHANGELIST), {"province": "10"})) == [bangkok]


def test_a_bad_filter_value_is_ignored_not_a_500(client, superuser, centre_a):
    volunteer_at(centre_a, 1)
    client.force_login(superuser)
    for params in ({"centre": "abc"}, {"programme": "nope"}, {"region": "'; drop"}):
        assert client.get(reverse(CHANGELIST), params).status_code == 200


def make_volunteers(centre, count, start):
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            national_id=national_id(start + i),
            first_name=f"อาสา{'ก' * (i % 7)}",
            last_name="ทดสอบ",
            phone="+66812345678",
        )
        for i in range(count)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre,
            programme=Programme.APM,
            number=f"{start + i:04d}/2562",
            registered_on=dt.date(2019, 3, 11),
        )
        for i, v in enumerate(volunteers)
    )


@pytest.mark.parametrize("who", ["superuser", "staff_a"])
def test_the_list_query_count_does_not_grow_from_20_to_200_volunteers(
    client, centre_a, who, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    make_volunteers(centre_a, 20, 1)
    for n in range(5):  # training hours are on the list too
        AttendanceFactory(volunteer=Volunteer.objects.all()[n], event__organiser=centre_a)
    url = reverse(CHANGELIST) + "?programme=apm&o=1&all="  # every row on one page
    with CaptureQueriesContext(connection) as twenty:
        assert len(listed(client.get(url))) == 20
    make_volunteers(centre_a, 180, 1000)
    with django_assert_max_num_queries(len(twenty)):
        response = client.get(url)
        assert len(listed(response)) == 200
    assert len(twenty) <= 15
    assert response.content.decode().count('class="field-training_hours"') == 200


# -- scope ---------------------------------------------------------------------------------------


@pytest.fixture
def a_and_b(centre_a, centre_b):
    return volunteer_at(centre_a, 1, "สมศรี"), volunteer_at(centre_b, 2, "สมศักดิ์")


def test_a_chair_of_b_sees_only_b_in_the_list_and_the_search(client, staff_b, a_and_b):
    in_a, in_b = a_and_b
    client.force_login(staff_b)
    assert listed(client.get(reverse(CHANGELIST))) == [in_b]
    assert search(client, "สม") == [in_b]
    assert search(client, format_national_id(in_a.national_id)) == []


def test_a_chair_of_b_gets_404_on_a_volunteer_of_a(client, staff_b, a_and_b):
    client.force_login(staff_b)
    url = reverse("admin:volunteers_volunteer_change", args=[a_and_b[0].pk])
    assert client.get(url).status_code == 404


def test_a_chair_of_b_gets_no_volunteer_of_a_from_autocomplete(client, staff_b, a_and_b):
    client.force_login(staff_b)
    params = {
        "app_label": "volunteers",
        "model_name": "centrerole",
        "field_name": "volunteer",
        "term": "สม",
    }
    results = client.get(reverse("admin:autocomplete"), params).json()["results"]
    assert [int(r["id"]) for r in results] == [a_and_b[1].pk]


def test_a_chair_of_b_exports_only_b(client, staff_b, a_and_b):
    client.force_login(staff_b)
    content = (
        client.get(reverse("admin:volunteers_volunteer_export_file", args=["csv"]))
        .getvalue()
        .decode("utf-8-sig")
    )
    assert format_national_id(a_and_b[1].national_id) in content
    assert format_national_id(a_and_b[0].national_id) not in content


def test_filter_choices_are_scoped(client, staff_b, a_and_b, centre_a, centre_b):
    client.force_login(staff_b)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert centre_b.name_th in page
    assert centre_a.name_th not in page
    assert "กรุงเทพมหานคร" not in page  # centre A's province and region are not offered


def test_a_supervisor_reads_but_cannot_change(client, supervisor_north, a_and_b):
    make_staff(supervisor_north)
    client.force_login(supervisor_north)
    assert listed(client.get(reverse(CHANGELIST))) == [a_and_b[1]]
    url = reverse("admin:volunteers_volunteer_change", args=[a_and_b[1].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:volunteers_volunteer_import")).status_code == 403


# -- writing through the admin ---------------------------------------------------------------------


VALID_ID = "1-2345-67890-12-1"


def volunteer_form(centre, **values):
    data = {
        "national_id": VALID_ID,
        "first_name": "สมใจ",
        "last_name": "รักดี",
        "title": "นาย",
        "phone": "081-234-5678",
        "sex": "male",
        "birth_date": "25/05/2535",
        "registrations-TOTAL_FORMS": "1",
        "registrations-INITIAL_FORMS": "0",
        "registrations-0-programme": "apm",
        "registrations-0-centre": centre.pk,
        "registrations-0-number": "12/2562",
        "registrations-0-registered_on": "11/03/2562",
        "registrations-0-status": "active",
    }
    for prefix in ("centre_roles", "memberships", "attendances"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | values


def test_the_admin_cleans_what_people_type_like_the_import(client, staff_a, centre_a):
    from stdnum.th import pin

    typed = "1-2345-67890-12-" + pin.calc_check_digit("123456789012")
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:volunteers_volunteer_add"), volunteer_form(centre_a, national_id=typed)
    )
    assert response.status_code == 302, response.context["errors"]
    volunteer = Volunteer.objects.get()
    assert volunteer.national_id == typed.replace("-", "")
    assert volunteer.phone == "+66812345678"
    assert volunteer.birth_date == dt.date(1992, 5, 25)
    assert volunteer.registrations.get().number == "0012/2562"


def inline_errors(response, prefix):
    """The errors of each row of the inline ``prefix`` on a change page that was refused."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return [dict(form.errors) for form in inline.formset.forms]
    raise AssertionError(f"no inline {prefix}")


def test_the_admin_refuses_a_wrong_check_digit_and_a_volunteer_without_registration(
    client, staff_a, centre_a
):
    client.force_login(staff_a)
    wrong = volunteer_form(centre_a, national_id="1-2345-67890-12-2")  # the check digit is 1
    response = client.post(reverse("admin:volunteers_volunteer_add"), wrong)
    assert response.status_code == 200
    assert "national_id" in response.context["adminform"].form.errors
    for year in ("99999999999999999999", "10000", "1476"):  # a form error, never a 500
        dated = volunteer_form(centre_a, birth_date=f"01/01/{year}")
        dated["registrations-0-registered_on"] = f"11/03/{year}"
        response = client.post(reverse("admin:volunteers_volunteer_add"), dated)
        assert response.status_code == 200
        assert "birth_date" in response.context["adminform"].form.errors
        assert "registered_on" in inline_errors(response, "registrations")[0]
    blank = ["programme", "centre", "number", "registered_on"]
    empty = volunteer_form(centre_a, **{f"registrations-0-{name}": "" for name in blank})
    response = client.post(reverse("admin:volunteers_volunteer_add"), empty)
    assert response.status_code == 200
    assert not response.context["adminform"].form.errors  # the person alone is valid
    [row] = inline_errors(response, "registrations")
    assert {"programme", "centre", "registered_on"} <= set(row)
    assert Volunteer.objects.count() == 0


def test_the_admin_refuses_a_second_current_chair_in_words(client, superuser, centre_a):
    CentreRoleFactory(centre=centre_a)
    volunteer = volunteer_at(centre_a, 9)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:volunteers_centrerole_add"),
        {
            "volunteer": volunteer.pk,
            "centre": centre_a.pk,
            "role": "chair",
            "starts_on": "01/01/2563",
        },
    )
    assert response.status_code == 200
    assert "ศูนย์นี้มีประธานอยู่แล้ว" in str(response.context["errors"])
    assert CentreRole.objects.count() == 1


def rows(prefix, *forms):
    """Post data of an inline with these new rows."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(forms)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, form in enumerate(forms):
        data |= {f"{prefix}-{index}-{name}": value for name, value in form.items()}
    return data


def test_a_chair_ending_next_year_and_a_new_chair_are_refused_beside_the_date(
    client, superuser, centre_a
):
    next_year = timezone.localdate() + dt.timedelta(days=365)
    CentreRoleFactory(centre=centre_a, ends_on=next_year)
    volunteer = volunteer_at(centre_a, 9)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:volunteers_centrerole_add"),
        {
            "volunteer": volunteer.pk,
            "centre": centre_a.pk,
            "role": "chair",
            "starts_on": "01/01/2568",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "ศูนย์นี้มีประธานอยู่แล้ว" in errors["starts_on"][0]
    assert CentreRole.objects.count() == 1


def test_two_rows_of_one_save_that_clash_are_refused_in_words_not_a_500(
    client, superuser, centre_a
):
    client.force_login(superuser)
    add = reverse("admin:volunteers_volunteer_add")
    registration = {
        "programme": "aps",
        "centre": centre_a.pk,
        "number": "77/2562",
        "registered_on": "11/03/2562",
        "status": "active",
    }
    twice = volunteer_form(centre_a) | rows("registrations", registration, registration)
    response = client.post(add, twice)
    assert response.status_code == 200
    first, second = inline_errors(response, "registrations")
    assert not first
    assert "เลขทะเบียน" in second["number"][0]
    chair = {"centre": centre_a.pk, "role": "chair", "starts_on": "01/01/2563"}
    later = chair | {"starts_on": "01/06/2563", "ends_on": "31/12/2563"}
    response = client.post(add, volunteer_form(centre_a) | rows("centre_roles", chair, later))
    assert response.status_code == 200
    assert "ประธาน" in inline_errors(response, "centre_roles")[1]["starts_on"][0]
    organisation = OrganisationFactory()
    member = {"organisation": organisation.pk, "since": "01/01/2563"}
    response = client.post(add, volunteer_form(centre_a) | rows("memberships", member, member))
    assert response.status_code == 200
    assert "organisation" in inline_errors(response, "memberships")[1]
    assert not Volunteer.objects.exists()
    assert not CentreRole.objects.exists()
    # Consecutive terms, an ended membership and the same number in two programmes are fine.
    fine = volunteer_form(centre_a) | rows(
        "registrations", registration, registration | {"programme": "apm"}
    )
    fine |= rows("centre_roles", chair | {"ends_on": "31/05/2563"}, later)
    fine |= rows("memberships", member | {"until": "31/12/2563"}, member)
    response = client.post(add, fine)
    assert response.status_code == 302, response.context["errors"]
    assert CentreRole.objects.count() == 2
    assert Registration.objects.count() == 2


def test_the_same_volunteer_twice_on_an_organisation_page_is_refused(
    client, ministry_admin, centre_a
):
    volunteer = volunteer_at(centre_a, 3)
    client.force_login(make_staff(ministry_admin))
    member = {"volunteer": volunteer.pk, "since": "01/01/2563"}
    data = {"name": "ชมรมอาสา", "kind": "network", "country": "TH"}
    response = client.post(
        reverse("admin:volunteers_organisation_add"), data | rows("memberships", member, member)
    )
    assert response.status_code == 200
    assert "volunteer" in inline_errors(response, "memberships")[1]
    assert not Organisation.objects.exists()


def test_training_hours_are_on_the_list_and_the_change_page(client, superuser, centre_a):
    volunteer = volunteer_at(centre_a, 1)
    AttendanceFactory(volunteer=volunteer, event__organiser=centre_a, hours="6.5")
    AttendanceFactory(volunteer=volunteer, event__organiser=centre_a, event__kind="meeting")
    client.force_login(superuser)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert '<td class="field-training_hours">6.5</td>' in page
    change = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert "ชั่วโมงการอบรม" in change.content.decode()
    assert "6.5" in change.content.decode()


# -- export and import through the admin -----------------------------------------------------------


def export(client, file_format, **params):
    url = reverse("admin:volunteers_volunteer_export_file", args=[file_format])
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_the_export_has_thai_headers_in_thai_and_english_keys_in_english(
    client, superuser, centre_a
):
    volunteer_at(centre_a, 1)
    client.force_login(superuser)
    thai = export(client, "csv").getvalue().decode("utf-8-sig").splitlines()
    assert thai[0].startswith("เลขประจำตัวประชาชน,เลขที่หนังสือเดินทาง,สัญชาติ,คำนำหน้า,ชื่อ")
    assert "อพม." in thai[1]
    assert "11/03/2562" in thai[1]
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    english = export(client, "csv").getvalue().decode("utf-8-sig").splitlines()
    assert english[0].startswith("national_id,passport_number,nationality,title,first_name")
    assert ",apm," in english[1]
    assert "2019-03-11" in english[1]


def test_the_export_follows_the_filters(client, superuser, centre_a):
    kept = volunteer_at(centre_a, 1, programme=Programme.APM)
    dropped = volunteer_at(centre_a, 2, programme=Programme.APS)
    client.force_login(superuser)
    book = openpyxl.load_workbook(io.BytesIO(export(client, "xlsx", programme="apm").getvalue()))
    ids = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert ids == [format_national_id(kept.national_id)]
    assert format_national_id(dropped.national_id) not in ids


VOLUNTEER_FIELDS = [
    "national_id",
    "passport_number",
    "nationality",
    "title",
    "first_name",
    "last_name",
    "name_latin",
    "birth_date",
    "sex",
    "phone",
    "email",
    "house_number",
    "moo",
    "soi",
    "road",
    "subdistrict",
    "postcode",
    "skills",
]
REGISTRATION_FIELDS = [
    "volunteer__first_name",
    "programme",
    "number",
    "registered_on",
    "status",
    "ended_on",
    "end_reason",
    "centre",
    "visa_type",
    "visa_expires_on",
    "host_organisation",
    "service_starts_on",
]


def registry():
    return (
        list(Volunteer.objects.order_by("first_name", "pk").values(*VOLUNTEER_FIELDS)),
        list(Registration.objects.order_by("volunteer__first_name").values(*REGISTRATION_FIELDS)),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_registry(client, superuser, centre_a, file_format):
    from centres.models import Subdistrict
    from volunteers.importing import volunteers_import

    client.force_login(superuser)
    rows = [good_row(n, email=f"v{n}@example.org") for n in range(1, 3)]
    volunteers_import(
        actor=None,
        content=csv_file(rows, [*HEADERS, "email"], [*HEADERS, "email"]),
        file_name="seed.csv",
    )
    anusawari = Subdistrict.objects.get(code="100502")
    housed = VolunteerFactory(
        first_name="มีบ้าน",
        house_number="12/3",
        moo="4",
        soi="รามอินทรา 8",
        road="รามอินทรา",
        subdistrict=anusawari,
        postcode="10220",
        skills="-ปฐมพยาบาล, =ทำอาหาร",
    )
    RegistrationFactory(
        volunteer=housed,
        centre=centre_a,
        number="0031/2562",
        status="ended",
        ended_on=dt.date(2020, 3, 31),
        end_reason="ย้ายภูมิลำเนา",
    )
    foreigner = Volunteer.objects.create(
        national_id=None,
        passport_number="TZ1234567",
        nationality="JP",
        first_name="ทาคาชิ",
        last_name="ยามาโมโตะ",
        name_latin="Takashi YAMAMOTO",
        birth_date=dt.date(1990, 4, 2),
    )
    RegistrationFactory(
        volunteer=foreigner,
        centre=centre_a,
        programme=Programme.FOREIGN,
        number="0002/2560",
        registered_on=dt.date(2017, 5, 1),
        visa_type="Non-Immigrant O",
        visa_expires_on=dt.date(2027, 4, 30),
        host_organisation="JICA",
        service_starts_on=dt.date(2017, 5, 1),
    )
    before = registry()
    assert len(before[0]) == 4
    assert len(before[1]) == 4
    content = export(client, file_format).getvalue()
    Volunteer.objects.all().delete()
    response = client.post(
        reverse("admin:volunteers_volunteer_import"),
        {"file": _upload(f"export.{file_format}", content)},
    )
    run = VolunteerImport.objects.get()
    assert response.status_code == 302, response.context["form"].errors
    assert run.report["valid"] == 4, run.report["errors"]
    client.post(reverse("admin:volunteers_volunteer_import_preview", args=[run.pk]), {"_all": "1"})
    assert registry() == before


def test_the_rejects_download_is_named_safely_whatever_the_upload_was_called(
    client, staff_a, centre_a
):
    client.force_login(staff_a)
    name = 'รายชื่อ "อาสา"\r\nX-Evil: 1.csv'
    client.post(
        reverse("admin:volunteers_volunteer_import"),
        {"file": _upload(name, csv_file([good_row(1), good_row(2, centre_code="XYZ")]))},
    )
    run = VolunteerImport.objects.get()
    client.post(
        reverse("admin:volunteers_volunteer_import_preview", args=[run.pk]), {"_partial": "1"}
    )
    response = client.get(reverse("admin:volunteers_volunteer_import_rejects", args=[run.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert '"' not in disposition.removeprefix("attachment; ")
    assert "\n" not in disposition
    assert "X-Evil" not in response.headers or response.headers.get("X-Evil") is None


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_admin_import_previews_then_saves_all(client, staff_a, centre_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:volunteers_volunteer_import"),
        {"file": _upload("good.csv", csv_file([good_row(1), good_row(2)]))},
    )
    run = VolunteerImport.objects.get()
    assert response["Location"] == reverse(
        "admin:volunteers_volunteer_import_preview", args=[run.pk]
    )
    assert Volunteer.objects.count() == 0  # the preview saved nothing
    page = client.get(response["Location"]).content.decode()
    assert 'name="_all"' in page
    client.post(response["Location"], {"_all": "1"})
    run.refresh_from_db()
    assert run.status == VolunteerImport.Status.DONE
    assert bytes(run.content) == b""
    assert Volunteer.objects.count() == 2
    client.post(response["Location"], {"_all": "1"})  # a second click changes nothing
    assert Volunteer.objects.count() == 2


def test_the_admin_import_of_a_mixed_file_offers_the_valid_rows_and_the_rejects(
    client, staff_a, centre_a, centre_b
):
    client.force_login(staff_a)
    rows = [good_row(1), good_row(2, centre_code="CMI"), good_row(3)]
    client.post(
        reverse("admin:volunteers_volunteer_import"), {"file": _upload("mixed.csv", csv_file(rows))}
    )
    run = VolunteerImport.objects.get()
    preview = reverse("admin:volunteers_volunteer_import_preview", args=[run.pk])
    page = client.get(preview).content.decode()
    assert 'name="_all"' not in page
    assert 'name="_partial"' in page
    assert "CMI" in page  # the error of row 3 is on the page
    client.post(preview, {"_partial": "1"})
    assert Volunteer.objects.count() == 2
    rejects = client.get(reverse("admin:volunteers_volunteer_import_rejects", args=[run.pk]))
    assert rejects.status_code == 200
    text = rejects.content.decode("utf-8-sig")
    assert "CMI" in text
    assert good_row(1)["national_id"] not in text


def test_the_admin_import_refuses_a_file_that_is_not_csv_or_xlsx(client, staff_a, centre_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:volunteers_volunteer_import"), {"file": _upload("photo.png", b"\x89PNG\r\n")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not VolunteerImport.objects.exists()
    assert not Volunteer.objects.exists()


def test_an_import_is_seen_by_whoever_made_it_only(client, staff_a, staff_b, centre_a):
    client.force_login(staff_a)
    client.post(
        reverse("admin:volunteers_volunteer_import"),
        {"file": _upload("good.csv", csv_file([good_row(1)]))},
    )
    run = VolunteerImport.objects.get()
    client.force_login(staff_b)
    url = reverse("admin:volunteers_volunteer_import_preview", args=[run.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"_all": "1"}).status_code == 404
    assert Volunteer.objects.count() == 0


def test_thai_is_the_admin_language_of_the_import_page(client, staff_a):
    client.force_login(staff_a)
    with translation.override("th"):
        page = client.get(reverse("admin:volunteers_volunteer_import")).content.decode()
    assert "นำเข้าข้อมูลอาสาสมัคร" in page
    assert "ตรวจไฟล์" in page


def test_organisations_are_chosen_by_chairs_but_kept_by_the_ministry(
    client, staff_b, ministry_admin
):
    organisation = OrganisationFactory()
    url = reverse("admin:volunteers_organisation_change", args=[organisation.pk])
    client.force_login(staff_b)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(url, {"name": "เปลี่ยนชื่อ", "kind": "network", "country": "TH"})
    organisation.refresh_from_db()
    assert organisation.name != "เปลี่ยนชื่อ"
    client.force_login(make_staff(ministry_admin))
    assert 'name="_save"' in client.get(url).content.decode()


def test_a_chair_who_supervises_a_region_views_its_volunteers_but_changes_only_their_own(
    client, staff_a, a_and_b, centre_a, centre_b
):
    from tests.factories import also_supervising_the_north

    in_a, in_b = a_and_b
    also_supervising_the_north(staff_a)
    client.force_login(staff_a)
    assert set(listed(client.get(reverse(CHANGELIST)))) == {in_a, in_b}

    page_b = client.get(reverse("admin:volunteers_volunteer_change", args=[in_b.pk]))
    assert page_b.status_code == 200
    assert not page_b.context["has_change_permission"]
    before = Volunteer.objects.values().get(pk=in_b.pk)
    posted = client.post(
        reverse("admin:volunteers_volunteer_change", args=[in_b.pk]), {"first_name": "เปลี่ยน"}
    )
    assert posted.status_code == 403
    assert Volunteer.objects.values().get(pk=in_b.pk) == before

    page_a = client.get(reverse("admin:volunteers_volunteer_change", args=[in_a.pk]))
    assert page_a.context["has_change_permission"]
    # A new registration may be made at their own centre only.
    add = client.get(reverse("admin:volunteers_registration_add"))
    assert list(add.context["adminform"].form.fields["centre"].queryset) == [centre_a]


def test_a_chair_who_supervises_a_region_edits_a_shared_volunteer_but_not_its_rows_there(
    client, staff_a, centre_a, centre_b
):
    from tests.factories import also_supervising_the_north

    shared = volunteer_at(centre_a, 7, "สมหมาย")
    theirs = RegistrationFactory(volunteer=shared, centre=centre_b)
    also_supervising_the_north(staff_a)
    client.force_login(staff_a)
    url = reverse("admin:volunteers_volunteer_change", args=[shared.pk])
    page = client.get(url)
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    # Only the registration at their own centre is in the form: nothing of B's can be deleted.
    assert [f.instance for f in formsets["registrations"].initial_forms] == [
        shared.registrations.get(centre=centre_a)
    ]
    data = {}
    for formset in formsets.values():
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        for n, form in enumerate(formset.initial_forms):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value not in (None, ""):
                    data[f"{formset.prefix}-{n}-{name}"] = getattr(value, "pk", value)
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value not in (None, "", []):
            data[name] = getattr(value, "pk", value)
    data["first_name"] = "สมหมายใหม่"
    data["registrations-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    shared.refresh_from_db()
    assert shared.first_name == "สมหมายใหม่"
    assert list(shared.registrations.all()) == [theirs]


def test_the_admin_takes_a_nationality_typed_by_name_and_shows_it_by_name(
    client, staff_a, centre_a
):
    """About 250 countries: typed by name (Thai or English) or passport code, not listed."""
    client.force_login(staff_a)
    foreign = {
        "national_id": "",
        "passport_number": "TZ1234567",
        "name_latin": "Takashi YAMA",
        "registrations-0-programme": "foreign",
    }
    url = reverse("admin:volunteers_volunteer_add")
    response = client.post(url, volunteer_form(centre_a, **foreign, nationality="นาร์เนีย"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["nationality"]
    response = client.post(url, volunteer_form(centre_a, **foreign, nationality="jpn"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    volunteer = Volunteer.objects.get()
    assert volunteer.nationality == "JP"
    with translation.override("th"):
        page = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert 'name="nationality" value="ญี่ปุ่น"' in page.content.decode()


def test_a_tampered_volunteer_in_an_autocomplete_is_a_form_error_not_a_500(
    client, staff_a, centre_a
):
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:volunteers_registration_add"),
        {
            "volunteer": "ไม่ใช่ตัวเลข",
            "programme": "apm",
            "centre": centre_a.pk,
            "number": "12/2562",
            "registered_on": "11/03/2562",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["volunteer"]
    assert not Registration.objects.exists()
