import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Case, Person, Referral, Visit
from cases.services import case_change_status, case_open, visit_record
from tests import clock
from tests.cases.factories import open_case
from tests.factories import RegistrationFactory, national_id
from tests.staff.posts import be, block, field_errors, intake_post


def test_chair_opens_a_case_for_a_new_person_with_a_be_birth_date(client, chair_a, centre_a):
    client.force_login(chair_a)
    response = client.post(reverse("cases:case-create"), intake_post(centre_a))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.number.startswith("BKN-")
    assert case.person.birth_date == dt.date(1965, 7, 5)
    assert case.person.centre == centre_a
    assert case.urgency == "urgent"
    assert case.status == "new"
    page = client.get(response["Location"]).content.decode()
    assert case.number in page
    assert "สมศรี" in page


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
    assert not Case.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
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
    assert field_errors(response, field), response.context["form"].errors
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_visit_assistance_and_referral_appear_on_the_timeline(client, chair_a, case_a, agency):
    volunteer = RegistrationFactory(centre=case_a.centre).volunteer
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case_a.pk])
    response = client.post(
        url,
        {"visited_on": be(clock.today()), "findings": "บ้านทรุดโทรม", "volunteers": [volunteer.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("cases:assistance-create", args=[case_a.pk])
    goods = {
        "kind": "goods",
        "programme": "other",
        "given_on": be(clock.today()),
        "item_1_name": "จักรยาน",
        "item_1_quantity": "๑",
        "item_2_name": "เครื่องอุปโภคบริโภค",
        "item_2_quantity": "1",
    }
    response = client.post(url, goods)
    assert response.status_code == 302, response.content.decode()[:2000]
    url = reverse("cases:referral-create", args=[case_a.pk])
    post = {
        "agency": agency.pk,
        "referred_on": be(clock.today()),
        "reason": "ต้องการที่พัก",
        "basis": "consent",
    }
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
        response = client.post(
            url,
            {
                "kind": "money",
                "programme": "low_income",
                "given_on": be(clock.today()),
                "amount": amount,
            },
        )
        assert response.status_code == 400
    assert not case_a.assistance.exists()


def test_volunteer_of_another_centre_cannot_be_assigned(client, chair_a, case_a, centre_b):
    outsider = RegistrationFactory(centre=centre_b).volunteer
    client.force_login(chair_a)
    url = reverse("cases:case-assign", args=[case_a.pk])
    assert client.post(url, {"volunteers": [outsider.pk]}).status_code == 400
    assert not case_a.volunteers.exists()


def test_assigning_volunteers_keeps_the_note_on_the_timeline(client, chair_a, case_a, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    client.force_login(chair_a)
    url = reverse("cases:case-assign", args=[case_a.pk])
    response = client.post(url, {"volunteers": [volunteer.pk], "note": "ใกล้บ้านผู้ประสบปัญหา"})
    assert response.status_code == 302
    event = case_a.events.get(kind="assigned")
    assert event.note == "ใกล้บ้านผู้ประสบปัญหา"
    assert "ใกล้บ้านผู้ประสบปัญหา" in client.get(response.url).content.decode()


def test_the_assistance_programme_is_labelled_as_a_programme_in_thai(client, chair_a, case_a):
    client.force_login(chair_a)
    form = client.get(reverse("cases:assistance-create", args=[case_a.pk])).context["form"]
    assert str(form.fields["programme"].label) != "ประเภทอาสาสมัคร"
    assert "โครงการ" in str(form["programme"].label_tag())


CASE_URLS = [
    "case-detail",
    "visit-create",
    "assistance-create",
    "referral-create",
    "case-status",
    "case-assign",
]


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
    assert client.post(url, {"visited_on": be(clock.today()), "findings": "x"}).status_code == 403


def test_case_list_query_count_does_not_grow(
    client, chair_a, centre_a, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            person = Person.objects.create(
                first_name=f"คน{i}", centre=centre_a, no_id_reason="unknown"
            )
            case_open(
                actor=chair_a,
                centre=centre_a,
                person=person,
                intake_channel="walk_in",
                reporter_type="self",
                problems=["poverty"],
            )

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
    # Visited today with a follow-up today: due this week, not overdue.
    visited = open_case(chair_a, case_a.centre)
    visit_record(
        actor=chair_a,
        case=visited,
        visited_on=clock.today(),
        findings="พบ",
        next_follow_up_on=clock.today(),
    )
    page = client.get("/").content.decode()
    overdue, due = block(page, "overdue"), block(page, "due")
    # Both case numbers are also under recent activity: only the blocks themselves tell.
    assert case_a.number in block(page, "recent")
    assert visited.number in block(page, "recent")
    assert case_a.number in overdue  # opened 10 days ago, never visited
    assert visited.number not in overdue
    assert visited.number in due
    assert case_a.number not in due


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


@pytest.mark.parametrize("choice", ["²", "١٢", "9" * 5000, "12345678901", "-1", " 1"])
def test_a_tampered_person_choice_answers_404_not_a_500(client, chair_a, centre_a, choice):
    client.force_login(chair_a)
    response = client.post(
        reverse("cases:case-create"), intake_post(centre_a, person_choice=choice)
    )
    assert response.status_code == 404
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_the_same_national_id_at_the_users_centre_brings_the_warning_with_a_link(
    client, chair_a, centre_a
):
    client.force_login(chair_a)
    client.post(reverse("cases:case-create"), intake_post(centre_a))
    first = Person.objects.get()
    # Another name, the same ID typed with dashes: the look-alike warning, not a bare error.
    typed = {"person-first_name": "มาลี", "person-national_id": first.national_id_display}
    same_id = intake_post(centre_a, **typed)
    response = client.post(reverse("cases:case-create"), same_id)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page
    assert reverse("cases:person-detail", args=[first.pk]) in page
    assert not response.context["person_form"].non_field_errors()
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)
    # "Someone else" cannot have the same ID: refused beside the ID, with the link again.
    response = client.post(reverse("cases:case-create"), {**same_id, "confirm_new_person": "1"})
    assert response.status_code == 400
    errors = field_errors(response, "person-national_id")
    assert reverse("cases:person-detail", args=[first.pk]) in errors[0]
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)
    # Choosing the person on record opens the case for them.
    response = client.post(reverse("cases:case-create"), {**same_id, "person_choice": first.pk})
    assert response.status_code == 302
    assert first.cases.count() == 2


def test_the_same_national_id_at_another_centre_is_refused_beside_the_id_revealing_nothing(
    client, chair_b, case_a, centre_b
):
    person = case_a.person
    person.first_name, person.national_id, person.no_id_reason = "ลับเฉพาะ", national_id(777), ""
    person.save()
    client.force_login(chair_b)
    post = intake_post(centre_b, **{"person-national_id": person.national_id})
    for extra in ({}, {"confirm_new_person": "1"}):
        response = client.post(reverse("cases:case-create"), {**post, **extra})
        assert response.status_code == 400
        with translation.override("en"):
            errors = field_errors(response, "person-national_id")
        assert errors == ["This national ID is already recorded at another centre."]
        page = response.content.decode()
        assert 'id="duplicate-warning"' not in page
        assert person.first_name not in page
        assert str(case_a.centre) not in page
        assert reverse("cases:person-detail", args=[person.pk]) not in page
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)


def test_choosing_a_recorded_person_with_a_bad_case_shows_no_errors_on_the_person_fields(
    client, chair_a, case_a, centre_a
):
    client.force_login(chair_a)
    post = {
        "person_choice": case_a.person.pk,
        "case-centre": centre_a.pk,
        "case-intake_channel": "walk_in",
        "case-reporter_type": "self",
        "case-urgency": "normal",
    }  # no problem chosen, no person fields
    response = client.post(reverse("cases:case-create"), post)
    assert response.status_code == 400
    assert field_errors(response, "case-problems")
    person_form = response.context["person_form"]
    assert not person_form.is_bound
    assert not person_form.errors
    assert Case.objects.count() == 1


@pytest.mark.parametrize("value", ["1e999999999", "9" * 5000, "²๕๖๙", "12", "3000", "2569.5"])
def test_a_bad_fiscal_year_in_the_case_list_is_a_message_not_a_500(client, chair_a, case_a, value):
    client.force_login(chair_a)
    response = client.get(reverse("cases:case-list"), {"fiscal_year": value})
    assert response.status_code == 200
    assert response.context["filter"].errors["fiscal_year"]
    assert list(response.context["object_list"]) == []


def test_the_case_list_filters_by_a_fiscal_year_in_thai_digits(client, chair_a, case_a):
    client.force_login(chair_a)
    fy = str(case_a.fiscal_year)
    thai = fy.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    for value in (fy, thai):
        response = client.get(reverse("cases:case-list"), {"fiscal_year": value})
        assert [c.pk for c in response.context["object_list"]] == [case_a.pk]
    response = client.get(reverse("cases:case-list"), {"fiscal_year": case_a.fiscal_year - 1})
    assert list(response.context["object_list"]) == []


def test_two_intakes_of_the_same_national_id_at_once_end_in_a_message_beside_the_id(
    transactional_db, client, chair_a, centre_a
):
    """The other intake's person is saved, uncommitted, on another connection after this one
    checked the ID; this one's save then waits on the unique index until the other commits,
    and the database refuses it. (transactional_db by name: conftest reloads the geography.)"""
    import threading

    from django.db import connection, connections, transaction

    post = intake_post(centre_a)
    other_saved, release = threading.Event(), threading.Event()
    errors = []

    def other_intake():
        try:
            with transaction.atomic():
                Person.objects.create(
                    first_name="อีกคน", centre=centre_a, national_id=post["person-national_id"]
                )
                other_saved.set()
                release.wait(timeout=30)
        except Exception as error:  # reported to the test thread below
            errors.append(error)
        finally:
            connections.close_all()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        our_pid = cursor.fetchone()[0]

    def release_when_we_wait():
        try:
            for _ in range(3000):
                with connections["default"].cursor() as cursor:
                    cursor.execute(
                        "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                        [our_pid],
                    )
                    row = cursor.fetchone()
                if row and row[0]:
                    break
                threading.Event().wait(0.01)
            else:
                errors.append(AssertionError("our save never waited for the other one"))
        finally:
            release.set()
            connections.close_all()

    other = threading.Thread(target=other_intake)
    other.start()
    assert other_saved.wait(timeout=30)
    releaser = threading.Thread(target=release_when_we_wait)
    releaser.start()
    client.force_login(chair_a)
    response = client.post(reverse("cases:case-create"), post)
    other.join(timeout=60)
    releaser.join(timeout=60)
    assert not errors, errors
    assert response.status_code == 400
    assert field_errors(response, "person-national_id")
    assert Person.objects.get().first_name == "อีกคน"
    assert not Case.objects.exists()
