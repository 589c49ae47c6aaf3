import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, Person, Referral, Visit
from cases.services import case_change_status, case_open
from tests.factories import RegistrationFactory
from tests.staff.posts import TODAY, be, intake_post


def test_chair_opens_a_case_for_a_new_person_with_a_be_birth_date(client, chair_a, centre_a):
    client.force_login(chair_a)
    response = client.post(reverse("cases:case-create"), intake_post(centre_a))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.number.startswith("BKN-")
    assert case.person.birth_date == dt.date(1965, 7, 5)
    assert case.person.centre == centre_a
    assert case.urgency == "urgent" and case.status == "new"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and "สมศรี" in page


def test_a_look_alike_person_brings_a_warning_with_a_link_and_does_not_block(
    client, chair_a, centre_a
):
    client.force_login(chair_a)
    client.post(reverse("cases:case-create"), intake_post(centre_a))
    twin = intake_post(centre_a, **{"person-national_id": "", "person-no_id_reason": "unknown"})
    response = client.post(reverse("cases:case-create"), twin)
    assert response.status_code == 400
    first = Person.objects.get()
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page
    assert reverse("cases:person-detail", args=[first.pk]) in page
    assert Case.objects.count() == 1
    # Confirming it is someone else records a second person.
    response = client.post(reverse("cases:case-create"), {**twin, "confirm_new_person": "1"})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    # Or choosing the existing record opens the case for that person.
    response = client.post(reverse("cases:case-create"), {**twin, "person_choice": first.pk})
    assert response.status_code == 302
    assert first.cases.count() == 2


def test_intake_refuses_a_person_of_another_centre(client, chair_b, case_a, centre_b):
    client.force_login(chair_b)
    post = intake_post(centre_b, person_choice=case_a.person.pk)
    assert client.post(reverse("cases:case-create"), post).status_code == 404
    assert Case.objects.count() == 1


def test_intake_refuses_a_tampered_centre(client, chair_b, centre_a, centre_b):
    client.force_login(chair_b)
    response = client.post(reverse("cases:case-create"), intake_post(centre_a))
    assert response.status_code == 400
    assert not Case.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("person-national_id", "1234567890123"),
        ("person-national_id", "123456789012"),
        ("person-birth_date", "01/01/2700"),
        ("person-first_name", "ก" * 300),
        ("case-problems", []),
        ("case-problems", ["not-a-problem"]),
        ("case-urgency", "panic"),
        ("case-opened_on", "32/13/2562"),
    ],
)
def test_bad_intake_input_is_refused_beside_the_field_and_nothing_saved(
    client, chair_a, centre_a, field, value
):
    client.force_login(chair_a)
    response = client.post(reverse("cases:case-create"), intake_post(centre_a, **{field: value}))
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Case.objects.exists() and not Person.objects.exists()


def test_visit_assistance_and_referral_appear_on_the_timeline(client, chair_a, case_a, agency):
    volunteer = RegistrationFactory(centre=case_a.centre).volunteer
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case_a.pk])
    response = client.post(url, {"visited_on": be(TODAY), "findings": "บ้านทรุดโทรม",
                                 "volunteers": [volunteer.pk]})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("cases:assistance-create", args=[case_a.pk])
    goods = {"kind": "goods", "programme": "other", "given_on": be(TODAY),
             "item_1_name": "จักรยาน", "item_1_quantity": "๑",
             "item_2_name": "เครื่องอุปโภคบริโภค", "item_2_quantity": "1"}  # fmt: skip
    response = client.post(url, goods)
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("cases:referral-create", args=[case_a.pk])
    post = {"agency": agency.pk, "referred_on": be(TODAY), "reason": "ต้องการที่พัก",
            "basis": "consent"}  # fmt: skip
    response = client.post(url, post)
    assert response.status_code == 400  # no consent recorded, none given now
    assert not Referral.objects.exists()
    post |= {"consent_given_by": "self", "consent_purpose": "ส่งต่อที่พัก"}
    assert client.post(url, post).status_code == 302
    page = client.get(reverse("cases:case-detail", args=[case_a.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("บ้านทรุดโทรม") < timeline.index("จักรยาน") < timeline.index("มูลนิธิทดสอบ")


def test_illegal_status_jump_is_refused(client, chair_a, case_a):
    client.force_login(chair_a)
    url = reverse("cases:case-status", args=[case_a.pk])
    response = client.post(url, {"to_status": "closed", "closure_reason": "resolved"})
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.status == "new"
    assert client.post(url, {"to_status": "assessing"}).status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == "assessing"


def test_visit_before_the_case_opened_is_refused_beside_the_field(client, chair_a, case_a):
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case_a.pk])
    response = client.post(url, {"visited_on": "01/01/2500", "findings": "x"})
    assert response.status_code == 400
    assert "visited_on" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_assistance_with_an_absurd_amount_is_refused(client, chair_a, case_a):
    client.force_login(chair_a)
    url = reverse("cases:assistance-create", args=[case_a.pk])
    for amount in ("-5", "99999999"):
        response = client.post(url, {"kind": "money", "programme": "low_income",
                                     "given_on": be(TODAY), "amount": amount})  # fmt: skip
        assert response.status_code == 400
    assert not case_a.assistance.exists()


def test_volunteer_of_another_centre_cannot_be_assigned(client, chair_a, case_a, centre_b):
    outsider = RegistrationFactory(centre=centre_b).volunteer
    client.force_login(chair_a)
    url = reverse("cases:case-assign", args=[case_a.pk])
    assert client.post(url, {"volunteers": [outsider.pk]}).status_code == 400
    assert not case_a.volunteers.exists()


CASE_URLS = ["case-detail", "visit-create", "assistance-create", "referral-create",
             "case-status", "case-assign"]  # fmt: skip


@pytest.mark.parametrize("name", CASE_URLS)
def test_chair_of_another_centre_gets_404_on_every_case_url(client, chair_b, case_a, name):
    client.force_login(chair_b)
    url = reverse(f"cases:{name}", args=[case_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in (404, 405)  # the case page takes no POST


def test_supervisor_reads_cases_in_scope_but_cannot_act(client, case_a, centre_a):
    from tests.factories import StaffAssignmentFactory, UserFactory

    supervisor = UserFactory()
    StaffAssignmentFactory(user=supervisor, role="supervisor", centre=None, region_id="BKK")
    client.force_login(supervisor)
    assert client.get(reverse("cases:case-detail", args=[case_a.pk])).status_code == 200
    assert client.get(reverse("cases:case-create")).status_code == 403
    url = reverse("cases:visit-create", args=[case_a.pk])
    assert client.post(url, {"visited_on": be(TODAY), "findings": "x"}).status_code == 403


def test_case_list_query_count_does_not_grow(
    client, chair_a, centre_a, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            person = Person.objects.create(first_name=f"คน{i}", centre=centre_a,
                                           no_id_reason="unknown")  # fmt: skip
            case_open(actor=chair_a, centre=centre_a, person=person, intake_channel="walk_in",
                      reporter_type="self", problems=["poverty"])  # fmt: skip

    client.force_login(chair_a)
    add(3)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("cases:case-list"))
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("cases:case-list"), {"q": "คน"})


def test_desk_shows_open_cases_by_urgency_and_overdue_follow_ups(client, chair_a, case_a):
    client.force_login(chair_a)
    case_change_status(actor=chair_a, case=case_a, to_status="assessing")
    page = client.get("/").content.decode()
    assert case_a.number in page  # opened 10 days ago, never visited: overdue


def test_every_staff_form_refuses_a_post_without_the_csrf_token(chair_a, case_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(chair_a)
    for url in [
        reverse("cases:case-create"),
        reverse("cases:visit-create", args=[case_a.pk]),
        reverse("cases:case-status", args=[case_a.pk]),
        reverse("volunteers:volunteer-create"),
    ]:
        assert client.post(url, {"to_status": "assessing"}).status_code == 403
    case_a.refresh_from_db()
    assert case_a.status == "new"
