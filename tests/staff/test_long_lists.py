"""Choosing among many on the staff pages (issue 12): a centre's volunteers and the partner
agencies are listed whole while they are few and found by the page's search beyond; the
centre of a ministry administrator, who works for every centre, is typed by its code; a
nationality is typed by its name. tests/test_no_long_selects.py checks that no page lists
more than 100; these tests check that the user can still choose."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Agency, Case
from cases.services import case_assign_volunteers
from centres.models import Centre
from tests import clock
from tests.factories import RegistrationFactory, national_id
from tests.staff.posts import be, field_errors, intake_post, registration_post
from volunteer_centre.forms import MAX_CHOICES
from volunteers.models import Registration, Volunteer

MANY = MAX_CHOICES + 10


def many_volunteers(centre, n=MANY):
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            national_id=national_id(700_000 + i),
            first_name=f"อาสาหมู่{i}",
            last_name="มากมาย",
            birth_date=dt.date(1980, 1, 1),
            sex="female",
        )
        for i in range(n)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre,
            programme="apm",
            number=f"{7000 + i}/2562",
            registered_on=dt.date(2019, 3, 11),
        )
        for i, v in enumerate(volunteers)
    )
    return volunteers


def many_centres(parent, n=MANY):
    return Centre.objects.bulk_create(
        Centre(
            code=f"Z{i:03d}",
            level=Centre.Level.DISTRICT,
            parent=parent,
            district_id="1005",
            province_id="10",
            name_th=f"ศูนย์หมู่{i}",
        )
        for i in range(n)
    )


def ticks(page: str, name: str) -> int:
    return page.count(f'name="{name}"')


@pytest.fixture
def sought(centre_a):
    """The volunteer the chair looks for among more than MAX_CHOICES of centre A's."""
    many_volunteers(centre_a)
    return RegistrationFactory(centre=centre_a, volunteer__first_name="ประยูรค้นหา").volunteer


def test_a_centre_with_few_volunteers_lists_them_all_without_a_search(
    client, chair_a, case_a, centre_a
):
    volunteers = [RegistrationFactory(centre=centre_a).volunteer for _ in range(3)]
    client.force_login(chair_a)
    page = client.get(reverse("cases:case-assign", args=[case_a.pk])).content.decode()
    assert ticks(page, "volunteers") == 3
    assert all(v.display_name in page for v in volunteers)
    assert 'id="search-volunteer_q"' not in page


def test_a_chair_finds_a_volunteer_among_many_by_name_and_assigns_them(
    client, chair_a, case_a, sought
):
    client.force_login(chair_a)
    url = reverse("cases:case-assign", args=[case_a.pk])
    page = client.get(url).content.decode()
    assert 'id="search-volunteer_q"' in page
    assert ticks(page, "volunteers") == 0  # nothing listed before a search
    page = client.get(url, {"volunteer_q": "ประยูร"}).content.decode()
    assert ticks(page, "volunteers") == 1
    assert sought.display_name in page
    response = client.post(f"{url}?volunteer_q=ประยูร", {"volunteers": [sought.pk]})
    assert response.status_code == 302
    assert list(case_a.volunteers.all()) == [sought]


def test_a_volunteer_found_by_national_id_or_number_is_listed(client, chair_a, case_a, sought):
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case_a.pk])
    number = sought.registrations.get().number
    for typed in (sought.national_id_display, number):
        page = client.get(url, {"volunteer_q": typed}).content.decode()
        assert ticks(page, "volunteers") == 1, typed
        assert sought.display_name in page, typed


def test_a_ticked_volunteer_stays_listed_when_the_form_comes_back(client, chair_a, case_a, sought):
    """A visit refused (no findings) comes back with the volunteer still ticked, though the
    search that found them is gone."""
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case_a.pk])
    response = client.post(
        url, {"visited_on": be(clock.today()), "findings": "", "volunteers": [sought.pk]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'value="{sought.pk}"' in page
    assert "checked" in page
    assert ticks(page, "volunteers") == 1


def test_the_volunteer_search_finds_only_the_centres_volunteers(
    client, chair_a, case_a, sought, centre_b
):
    RegistrationFactory(centre=centre_b, volunteer__first_name="ประยูรบี")
    client.force_login(chair_a)
    url = reverse("cases:case-assign", args=[case_a.pk])
    page = client.get(url, {"volunteer_q": "ประยูร"}).content.decode()
    assert "ประยูรบี" not in page
    assert ticks(page, "volunteers") == 1


def test_the_intake_keeps_the_person_search_beside_the_volunteer_search(
    client, chair_a, centre_a, sought
):
    client.force_login(chair_a)
    page = client.get(
        reverse("cases:case-create"), {"volunteer_q": "ประยูร", "person_q": "สมศรี"}
    ).content.decode()
    assert ticks(page, "case-volunteers") == 1
    # Each search form carries the other's words, so a second search loses neither.
    assert '<input type="hidden" name="person_q" value="สมศรี">' in page
    assert '<input type="hidden" name="volunteer_q" value="ประยูร">' in page
    response = client.post(
        reverse("cases:case-create"), intake_post(centre_a, **{"case-volunteers": [sought.pk]})
    )
    assert response.status_code == 302
    assert list(Case.objects.get().volunteers.all()) == [sought]


def test_a_referral_finds_the_agency_among_many(client, chair_a, case_a):
    Agency.objects.bulk_create(
        Agency(name_th=f"หน่วยงานหมู่{i}", type="foundation") for i in range(MANY)
    )
    wanted = Agency.objects.create(name_th="บ้านพักเด็กปลายทาง", type="shelter")
    client.force_login(chair_a)
    url = reverse("cases:referral-create", args=[case_a.pk])
    page = client.get(url).content.decode()
    assert 'id="search-agency_q"' in page
    assert wanted.name_th not in page
    page = client.get(url, {"agency_q": "บ้านพักเด็ก"}).content.decode()
    assert wanted.name_th in page
    response = client.post(
        url,
        {
            "agency": wanted.pk,
            "referred_on": be(clock.today()),
            "reason": "ต้องการที่พัก",
            "basis": "vital_interest",
            "basis_note": "อันตราย",
        },
    )
    assert response.status_code == 302, field_errors(response, "agency")
    assert case_a.referrals.get().agency == wanted


def test_a_ministry_administrator_types_the_centre_of_a_new_case(client, ministry_admin, centre_a):
    many_centres(centre_a.parent)
    client.force_login(ministry_admin)
    page = client.get(reverse("cases:case-create")).content.decode()
    assert '<select name="case-centre"' not in page
    assert 'name="case-centre"' in page
    response = client.post(
        reverse("cases:case-create"), intake_post(centre_a, **{"case-centre": "zzz-none"})
    )
    assert response.status_code == 400
    assert "zzz-none" in field_errors(response, "case-centre")[0]
    response = client.post(
        reverse("cases:case-create"), intake_post(centre_a, **{"case-centre": "bkn"})
    )
    assert response.status_code == 302
    assert Case.objects.get().centre == centre_a


def test_a_ministry_administrator_types_the_centre_of_a_new_volunteer(
    client, ministry_admin, centre_a
):
    many_centres(centre_a.parent)
    client.force_login(ministry_admin)
    url = reverse("volunteers:volunteer-create")
    assert '<select name="reg-centre"' not in client.get(url).content.decode()
    post = registration_post(centre_a, national_id=national_id(77), **{"reg-centre": "BKN"})
    response = client.post(url, post)
    assert response.status_code == 302
    assert Registration.objects.get().centre == centre_a


def test_a_chair_still_chooses_among_their_few_centres(client, chair_a, centre_a):
    many_centres(centre_a.parent)
    client.force_login(chair_a)
    page = client.get(reverse("volunteers:volunteer-create")).content.decode()
    assert '<select name="reg-centre"' in page


def test_a_foreign_volunteers_nationality_is_typed_by_its_name(client, chair_a, centre_a):
    client.force_login(chair_a)
    url = reverse("volunteers:volunteer-create")
    foreign = {"passport_number": "TZ7654321", "name_latin": "Aung SAN", "reg-programme": "foreign"}
    response = client.post(url, registration_post(centre_a, **foreign, nationality="นาร์เนีย"))
    assert response.status_code == 400
    assert "นาร์เนีย" in field_errors(response, "nationality")[0]
    response = client.post(url, registration_post(centre_a, **foreign, nationality="เมียนมา"))
    assert response.status_code == 302, field_errors(response, "nationality")
    assert Volunteer.objects.get().nationality == "MM"


def test_the_case_list_filters_by_a_volunteer_typed_by_name_or_id(
    client, chair_a, case_a, centre_a
):
    helper = RegistrationFactory(centre=centre_a, volunteer__first_name="ผู้ช่วยเหลือ").volunteer
    RegistrationFactory(centre=centre_a, volunteer__first_name="คนอื่น")
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[helper])
    client.force_login(chair_a)
    url = reverse("cases:case-list")
    for typed, listed in (("ผู้ช่วย", True), (helper.national_id_display, True), ("คนอื่น", False)):
        page = client.get(url, {"volunteer": typed}).content.decode()
        assert (case_a.number in page) is listed, typed


@pytest.mark.parametrize("name", ["cases:case-assign", "cases:visit-create"])
def test_the_volunteer_pages_cost_no_more_queries_with_many_volunteers(
    client, chair_a, case_a, centre_a, django_assert_max_num_queries, name
):
    url = reverse(name, args=[case_a.pk])
    RegistrationFactory.create_batch(3, centre=centre_a)
    client.force_login(chair_a)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    many_volunteers(centre_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        client.get(url, {"volunteer_q": "อาสาหมู่1"})
