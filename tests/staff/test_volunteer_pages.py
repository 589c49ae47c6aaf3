import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    AttendanceFactory,
    CentreRoleFactory,
    EventFactory,
    RegistrationFactory,
    national_id,
)
from tests.staff.posts import registration_post
from volunteers.models import Registration, Volunteer

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def test_chair_lists_only_the_volunteers_of_own_centre(client, chair_a, centre_a, centre_b):
    mine = RegistrationFactory(centre=centre_a, volunteer__first_name="ของศูนย์เอ")
    RegistrationFactory(centre=centre_b, volunteer__first_name="ของศูนย์บี")
    client.force_login(chair_a)
    page = client.get(reverse("volunteers:volunteer-list")).content.decode()
    assert "ของศูนย์เอ" in page
    assert "ของศูนย์บี" not in page
    assert (
        client.get(reverse("volunteers:volunteer-detail", args=[mine.volunteer.pk])).status_code
        == 200
    )


def test_chair_of_another_centre_gets_404_on_a_volunteer_page(client, chair_b, centre_a):
    reg = RegistrationFactory(centre=centre_a)
    client.force_login(chair_b)
    url = reverse("volunteers:volunteer-detail", args=[reg.volunteer.pk])
    assert client.get(url).status_code == 404


def test_volunteer_list_searches_by_id_typed_with_dashes(client, chair_a, centre_a):
    reg = RegistrationFactory(centre=centre_a, volunteer__first_name="ค้นเจอ")
    RegistrationFactory(centre=centre_a, volunteer__first_name="ไม่เกี่ยว")
    client.force_login(chair_a)
    typed = reg.volunteer.national_id_display
    page = client.get(reverse("volunteers:volunteer-list"), {"q": typed}).content.decode()
    assert "ค้นเจอ" in page
    assert "ไม่เกี่ยว" not in page


def test_volunteer_list_query_count_does_not_grow(
    client, chair_a, centre_a, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(5, centre=centre_a)
    client.force_login(chair_a)
    with django_assert_max_num_queries(8):
        client.get(reverse("volunteers:volunteer-list"))
    RegistrationFactory.create_batch(40, centre=centre_a)
    with django_assert_max_num_queries(8):
        client.get(reverse("volunteers:volunteer-list"))


def test_chair_registers_a_volunteer_with_be_dates_and_thai_digits(client, chair_a, centre_a):
    client.force_login(chair_a)
    typed_id = national_id(777).translate(THAI_DIGITS)
    response = client.post(
        reverse("volunteers:volunteer-create"),
        registration_post(centre_a, national_id=typed_id),
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(national_id=national_id(777))
    assert volunteer.birth_date == dt.date(1980, 6, 15)
    assert volunteer.phone == "+66812345678"
    assert volunteer.postcode == "10220"
    assert volunteer.subdistrict.name_th == "อนุสาวรีย์"
    reg = volunteer.registrations.get()
    assert (reg.centre, reg.registered_on) == (centre_a, dt.date(2019, 3, 11))


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("national_id", "1101700230704", "national_id"),  # wrong check digit
        ("national_id", "110170023070", "national_id"),  # 12 digits
        ("national_id", "11017002307055", "national_id"),  # 14 digits
        ("birth_date", "31/02/2523", "birth_date"),
        ("phone", "12345", "phone"),
        ("first_name", "ก" * 101, "first_name"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, chair_a, centre_a, field, value, error_field
):
    client.force_login(chair_a)
    response = client.post(
        reverse("volunteers:volunteer-create"), registration_post(centre_a, **{field: value})
    )
    assert response.status_code == 400
    assert error_field in response.context["form"].errors
    assert not Volunteer.objects.exists()
    assert not Registration.objects.exists()


def test_tampered_centre_of_another_centre_is_refused(client, chair_a, centre_a, centre_b):
    client.force_login(chair_a)
    response = client.post(
        reverse("volunteers:volunteer-create"),
        registration_post(centre_b, national_id=national_id(778)),
    )
    assert response.status_code == 400
    assert "centre" in response.context["registration_form"].errors
    assert not Volunteer.objects.exists()


def test_html_in_text_fields_is_shown_as_text_or_refused(client, chair_a, centre_a):
    client.force_login(chair_a)
    script = "<script>alert(1)</script>"
    response = client.post(
        reverse("volunteers:volunteer-create"),
        registration_post(
            centre_a, national_id=national_id(779), first_name=script, skills=script, soi=script
        ),
    )
    assert response.status_code in (302, 400)
    assert script not in response.content.decode()
    RegistrationFactory(centre=centre_a, volunteer__skills=script, volunteer__last_name=script)
    for volunteer in Volunteer.objects.all():
        page = client.get(reverse("volunteers:volunteer-detail", args=[volunteer.pk]))
        assert script not in page.content.decode()
    assert script not in client.get(reverse("volunteers:volunteer-list")).content.decode()


def test_supervisor_reads_but_cannot_register(client, supervisor_north, centre_b):
    RegistrationFactory(centre=centre_b)
    client.force_login(supervisor_north)
    assert client.get(reverse("volunteers:volunteer-list")).status_code == 200
    assert client.get(reverse("volunteers:volunteer-create")).status_code == 403
    response = client.post(reverse("volunteers:volunteer-create"), registration_post(centre_b))
    assert response.status_code == 403


def listed_names(client, **params):
    response = client.get(reverse("volunteers:volunteer-list"), params)
    assert response.status_code == 200
    return sorted(v.first_name for v in response.context["object_list"])


def test_volunteer_search_normalises_numbers_and_passports_like_the_admin(
    client, chair_a, centre_a
):
    RegistrationFactory(centre=centre_a, number="0012/2562", volunteer__first_name="สิบสอง")
    RegistrationFactory(centre=centre_a, number="0120/2562", volunteer__first_name="ร้อยยี่สิบ")
    foreign = RegistrationFactory(
        centre=centre_a,
        programme="foreign",
        volunteer__national_id=None,
        volunteer__passport_number="TZ1234567",
        volunteer__nationality="JP",
        volunteer__name_latin="Takashi YAMAMOTO",
        volunteer__first_name="ทาคาชิ",
    )
    client.force_login(chair_a)
    assert listed_names(client, q="12/2562") == ["สิบสอง"]
    assert listed_names(client, q="๑๒/๒๕๖๒") == ["สิบสอง"]
    assert listed_names(client, q="tz 123 4567") == [foreign.volunteer.first_name]
    assert listed_names(client, q="yamamoto") == [foreign.volunteer.first_name]


def test_volunteer_search_ignores_registration_numbers_at_other_centres(
    client, chair_a, centre_a, centre_b
):
    here = RegistrationFactory(centre=centre_a, number="0001/2562", volunteer__first_name="ทั้งสอง")
    RegistrationFactory(
        centre=centre_b, volunteer=here.volunteer, programme="aps", number="0777/2562"
    )
    client.force_login(chair_a)
    assert listed_names(client, q="0001/2562") == ["ทั้งสอง"]
    assert listed_names(client, q="777/2562") == []  # a number chair A cannot see


def test_volunteer_filters_describe_one_visible_registration(client, chair_a, centre_a, centre_b):
    both = RegistrationFactory(centre=centre_a, volunteer__first_name="ครบ")
    split = RegistrationFactory(
        centre=centre_a, volunteer__first_name="แยก", status="ended", ended_on=dt.date(2020, 1, 1)
    )
    RegistrationFactory(centre=centre_a, volunteer=split.volunteer, programme="aps")
    elsewhere = RegistrationFactory(centre=centre_a, volunteer__first_name="ที่อื่น", programme="aps")
    RegistrationFactory(centre=centre_b, volunteer=elsewhere.volunteer)  # an active อพม. at B
    client.force_login(chair_a)
    assert listed_names(client, programme="apm", status="active") == [both.volunteer.first_name]
    assert listed_names(client, programme="apm") == ["ครบ", "แยก"]
    assert listed_names(client, status="ended") == ["แยก"]


def test_volunteer_page_shows_roles_at_the_users_centres_only_and_training_hours(
    client, chair_a, centre_a, centre_b, django_assert_max_num_queries
):
    reg = RegistrationFactory(centre=centre_a)
    RegistrationFactory(centre=centre_b, volunteer=reg.volunteer, programme="aps")
    CentreRoleFactory(volunteer=reg.volunteer, centre=centre_a, role="secretary")
    CentreRoleFactory(volunteer=reg.volunteer, centre=centre_b, role="chair")
    AttendanceFactory(volunteer=reg.volunteer, event=EventFactory(organiser=centre_a), hours=6)
    AttendanceFactory(volunteer=reg.volunteer, event=EventFactory(organiser=centre_a), hours="1.5")
    client.force_login(chair_a)
    url = reverse("volunteers:volunteer-detail", args=[reg.volunteer.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "เลขานุการ" in page  # secretary of centre A
    assert centre_b.name_th not in page  # neither B's chair nor B's registration
    assert "ชั่วโมงการอบรม" in page
    assert "7.5" in page
