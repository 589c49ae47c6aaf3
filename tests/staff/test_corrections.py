"""The correction pages: a person, a household and its members, a case's intake details, a
consent's withdrawal, volunteers taken off a case; who gets them, what they refuse, and the
record buttons each role is shown."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from cases.models import Case, CaseEvent, Household, HouseholdMember, Person
from cases.services import (
    case_assign_volunteers,
    consent_record,
    consent_withdraw,
    person_update,
    referral_create,
)
from tests import clock
from tests.cases.factories import AgencyFactory, PersonFactory, open_case
from tests.factories import (
    RegistrationFactory,
    StaffAssignmentFactory,
    UserFactory,
    also_supervising_the_north,
    national_id,
)
from tests.staff.posts import be, block, field_errors, form_post

K = CaseEvent.Kind
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def case_a(centre_a, chair_a):
    return open_case(chair_a, centre_a)


@pytest.fixture
def supervisor_bangkok(db):
    """A supervisor whose region holds centre A: reads A's records, writes nothing."""
    user = UserFactory(username="supervisor-bkk")
    StaffAssignmentFactory(user=user, role="supervisor", centre=None, region_id="BKK")
    return user


@pytest.fixture
def household_a(case_a, centre_a):
    household = Household.objects.create(name="ครอบครัวแสงทอง", centre=centre_a)
    HouseholdMember.objects.create(
        household=household, person=case_a.person, relation="head", monthly_income=Decimal("3000")
    )
    HouseholdMember.objects.create(household=household, name="นายสมปอง", relation="spouse")
    return household


def person_form_post(client, person, **changes):
    page = client.get(reverse("cases:person-edit", args=[person.pk]))
    assert page.status_code == 200
    return {**form_post(page.context["form"]), **changes}


def household_form_post(client, household, **changes):
    page = client.get(reverse("cases:household-edit", args=[household.pk]))
    assert page.status_code == 200
    return {**form_post(page.context["form"], page.context["members"]), **changes}


def timeline(client, case) -> str:
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    return page[page.index('id="timeline"') :]


# ---------------------------------------------------------------------------------------------
# A person
# ---------------------------------------------------------------------------------------------


def test_chair_corrects_a_person_and_every_case_timeline_shows_old_and_new(
    client, chair_a, case_a, centre_a
):
    second = open_case(chair_a, centre_a, person=case_a.person)
    client.force_login(chair_a)
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    # The birth date typed in Thai digits and the Buddhist Era, as on a Thai ID card.
    post = person_form_post(
        client,
        case_a.person,
        **{
            "person-birth_date": "05/08/2509".translate(THAI_DIGITS),
            "person-last_name": "ใจงาม",
            "person-correction_note": "ตามบัตรประชาชน",
        },
    )
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("cases:person-detail", args=[case_a.person.pk])
    person = Person.objects.get(pk=case_a.person.pk)
    assert (person.birth_date, person.last_name) == (dt.date(1966, 8, 5), "ใจงาม")
    events = CaseEvent.objects.filter(kind=K.PERSON_UPDATED)
    assert sorted(e.case_id for e in events) == [case_a.pk, second.pk]
    assert events[0].detail["changed"] == {
        "last_name": {"from": "ยากลำบาก", "to": "ใจงาม"},
        "birth_date": {"from": "1965-07-05", "to": "1966-08-05"},
    }
    for case in (case_a, second):
        shown = timeline(client, case)
        assert "วันเกิด: 5 ก.ค. 2508 → 5 ส.ค. 2509" in shown
        assert "นามสกุล: ยากลำบาก → ใจงาม" in shown
        assert "ตามบัตรประชาชน" in shown
    page = client.get(response["Location"]).content.decode()
    corrections = block(page, "corrections")
    # One correction on two cases is listed once on the person's page.
    assert corrections.count("วันเกิด: 5 ก.ค. 2508 → 5 ส.ค. 2509") == 1


def test_a_correction_making_the_person_look_like_another_brings_the_warning_first(
    client, chair_a, case_a, centre_a
):
    twin = PersonFactory(centre=centre_a, first_name="มาลี", national_id=national_id(6001))
    client.force_login(chair_a)
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    post = person_form_post(client, case_a.person, **{"person-first_name": "มาลี"})
    response = client.post(url, post)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="duplicate-warning"' in page
    assert reverse("cases:person-detail", args=[twin.pk]) in page
    assert Person.objects.get(pk=case_a.person.pk).first_name != "มาลี"
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()
    # Checked: another person of the same name and birthday. The correction is saved.
    response = client.post(url, {**post, "confirm_look_alike": "1"})
    assert response.status_code == 302
    assert Person.objects.get(pk=case_a.person.pk).first_name == "มาลี"
    # A change that leaves the identity alone brings no warning again.
    post = person_form_post(client, case_a.person, **{"person-phone": "081 234 5678"})
    assert client.post(url, post).status_code == 302


def test_a_national_id_held_by_another_person_is_refused_beside_the_id(
    client, chair_a, chair_b, case_a, centre_a, centre_b
):
    mine = PersonFactory(centre=centre_a, national_id=national_id(6002))
    hidden = PersonFactory(centre=centre_b, first_name="ลับเฉพาะ")
    theirs = open_case(chair_b, centre_b, person=hidden).person
    client.force_login(chair_a)
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    post = person_form_post(client, case_a.person, **{"person-national_id": mine.national_id})
    response = client.post(url, post)
    assert response.status_code == 400
    assert (
        reverse("cases:person-detail", args=[mine.pk])
        in field_errors(response, "person-national_id")[0]
    )
    post = person_form_post(client, case_a.person, **{"person-national_id": theirs.national_id})
    response = client.post(url, post)
    assert response.status_code == 400
    with translation.override("en"):
        errors = field_errors(response, "person-national_id")
    assert errors == ["This national ID is already recorded at another centre."]
    page = response.content.decode()
    assert "ลับเฉพาะ" not in page
    assert str(centre_b) not in page
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("person-national_id", "1234567890123"),  # a bad check digit
        ("person-national_id", "12345"),
        ("person-birth_date", "01/01/2700"),  # in the future
        ("person-birth_date", "31/02/2509"),
        ("person-subdistrict", "500101"),  # in Chiang Mai, not in the district chosen
        ("person-district", "5001"),  # not in the province chosen
        ("person-first_name", "ก" * 300),
        ("person-first_name", ""),
        ("person-phone", "12"),
        ("person-postcode", "1022"),
        ("person-sex", "robot"),
        ("person-target_groups", ["aliens"]),
    ],
)
def test_bad_person_input_is_refused_beside_the_field_and_nothing_saved(
    client, chair_a, case_a, field, value
):
    client.force_login(chair_a)
    before = Person.objects.filter(pk=case_a.person.pk).values().get()
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    post = person_form_post(client, case_a.person, **{"person-last_name": "ใหม่", field: value})
    response = client.post(url, post)
    assert response.status_code == 400
    assert field_errors(response, field), response.context["form"].errors
    assert Person.objects.filter(pk=case_a.person.pk).values().get() == before
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()


def test_the_reason_for_having_no_id_is_needed_without_an_id(client, chair_a, case_a):
    client.force_login(chair_a)
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    post = person_form_post(
        client, case_a.person, **{"person-national_id": "", "person-no_id_reason": ""}
    )
    response = client.post(url, post)
    assert response.status_code == 400
    assert field_errors(response, "person-no_id_reason")
    assert Person.objects.get(pk=case_a.person.pk).national_id == case_a.person.national_id


def test_a_person_without_a_case_at_the_users_centres_has_no_form_and_a_message(
    client, chair_a, centre_a
):
    lonely = PersonFactory(centre=centre_a)
    client.force_login(chair_a)
    page = client.get(reverse("cases:person-detail", args=[lonely.pk])).content.decode()
    assert 'id="edit-person"' not in page
    assert 'id="no-case-to-correct"' in page
    url = reverse("cases:person-edit", args=[lonely.pk])
    response = client.post(url, person_form_post(client, lonely, **{"person-last_name": "ใหม่"}))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Person.objects.get(pk=lonely.pk).last_name == "ยากลำบาก"
    page = client.get(url).content.decode()
    assert 'id="no-case-to-correct"' in page
    assert 'id="save-person"' not in page
    # A household of nobody with a case: the same.
    household = Household.objects.create(name="ว่าง", centre=centre_a)
    HouseholdMember.objects.create(household=household, person=lonely, relation="head")
    url = reverse("cases:household-edit", args=[household.pk])
    page = client.get(url).content.decode()
    assert 'id="no-case-to-correct"' in page
    assert 'id="save-household"' not in page
    response = client.post(url, household_form_post(client, household, **{"household-name": "x"}))
    assert response.status_code == 400
    assert Household.objects.get(pk=household.pk).name == "ว่าง"


# ---------------------------------------------------------------------------------------------
# A household
# ---------------------------------------------------------------------------------------------


def test_chair_adds_changes_and_removes_members_and_the_old_values_are_kept(
    client, chair_a, case_a, household_a
):
    head, spouse = household_a.members.order_by("pk")
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    post = household_form_post(
        client,
        household_a,
        **{
            "household-house_registration_code": "๑๒๓๔-๕๖๗๘๙๐-๑",
            "members-0-monthly_income": "๓๕๐๐",  # Thai digits
            "members-1-DELETE": "on",
            "members-2-name": "เด็กหญิงมะลิ",
            "members-2-relation": "child",
            "members-2-birth_date": "02/01/2558",
            "household-note": "ลงพื้นที่พบ",
        },
    )
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    household_a.refresh_from_db()
    assert household_a.house_registration_code == "12345678901"
    fields = ("pk", "name", "relation", "monthly_income", "birth_date")
    rows = list(household_a.members.order_by("pk").values_list(*fields))
    assert rows[0] == (head.pk, "", "head", Decimal("3500.00"), None)
    assert rows[1][1:] == ("เด็กหญิงมะลิ", "child", None, dt.date(2015, 1, 2))
    assert not HouseholdMember.objects.filter(pk=spouse.pk).exists()
    event = case_a.events.get(kind=K.HOUSEHOLD_UPDATED)
    assert [m["action"] for m in event.detail["members"]] == ["changed", "removed", "added"]
    shown = timeline(client, case_a)
    assert "รายได้ต่อเดือน (บาท): 3,000.00 → 3,500.00" in shown
    assert "นายสมปอง" in shown
    assert "เด็กหญิงมะลิ" in shown
    assert "2 ม.ค. 2558" in shown
    person_page = client.get(reverse("cases:person-detail", args=[case_a.person.pk]))
    assert "3,000.00 → 3,500.00" in block(person_page.content.decode(), "corrections")


def test_a_recorded_person_found_by_the_search_is_added_as_a_member(
    client, chair_a, case_a, household_a, centre_a
):
    daughter = PersonFactory(centre=centre_a, first_name="มะลิ")
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    page = client.get(url, {"person_q": "มะลิ"})
    assert f'value="{daughter.pk}"' in page.content.decode()
    post = {
        **form_post(page.context["form"], page.context["members"]),
        "members-2-person": str(daughter.pk),
        "members-2-relation": "child",
    }
    response = client.post(f"{url}?person_q=มะลิ", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert household_a.members.filter(person=daughter, relation="child").exists()


def test_a_tampered_member_row_of_another_household_is_refused_with_nothing_saved(
    client, chair_a, household_a, centre_a
):
    other = Household.objects.create(name="อื่น", centre=centre_a)
    stranger = HouseholdMember.objects.create(household=other, name="คนอื่น", relation="head")
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    post = household_form_post(
        client,
        household_a,
        **{
            "household-name": "ใหม่",
            "members-1-id": str(stranger.pk),
            "members-1-name": "แก้",
        },
    )
    response = client.post(url, post)
    assert response.status_code == 400
    with translation.override("en"):
        errors = response.context["members"].forms[1].errors["id"]
        assert errors == ["This row is not a member of this household: reload the page."]
    assert str(errors[0]) in response.content.decode()  # shown on the page, in Thai
    stranger.refresh_from_db()
    assert stranger.name == "คนอื่น"
    assert Household.objects.get(pk=household_a.pk).name != "ใหม่"
    assert not CaseEvent.objects.filter(kind=K.HOUSEHOLD_UPDATED).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("members-2-relation", "boss"),
        ("members-2-monthly_income", "-5"),
        ("members-2-monthly_income", "1e999999999"),
        ("members-2-birth_date", "01/01/2700"),
        ("household-house_registration_code", "12345"),
    ],
)
def test_bad_household_input_is_a_message_and_nothing_saved(
    client, chair_a, household_a, field, value
):
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    post = household_form_post(
        client,
        household_a,
        **{
            "household-name": "ใหม่",
            "members-2-name": "เด็กชายใหม่",
            "members-2-relation": "child",
            field: value,
        },
    )
    response = client.post(url, post)
    assert response.status_code == 400
    if field.startswith("household-"):
        assert field_errors(response, field)
    else:
        assert response.context["members"].forms[2].errors
    assert household_a.members.count() == 2
    assert Household.objects.get(pk=household_a.pk).name == "ครอบครัวแสงทอง"


def test_a_tampered_management_form_is_a_message_not_a_500(client, chair_a, household_a):
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    for total in ("abc", "99999", ""):
        post = household_form_post(client, household_a, **{"members-TOTAL_FORMS": total})
        assert client.post(url, post).status_code == 400
    assert not CaseEvent.objects.filter(kind=K.HOUSEHOLD_UPDATED).exists()


# ---------------------------------------------------------------------------------------------
# A case's intake details, consent, volunteers
# ---------------------------------------------------------------------------------------------


def test_chair_corrects_the_intake_details_and_the_timeline_shows_old_and_new(
    client, chair_a, case_a
):
    client.force_login(chair_a)
    url = reverse("cases:case-edit", args=[case_a.pk])
    page = client.get(url)
    new_day = case_a.opened_on - dt.timedelta(days=1)
    if new_day.month == 9 and new_day.day == 30:  # would leave the fiscal year of the number
        new_day = case_a.opened_on
    post = {
        **form_post(page.context["form"]),
        "urgency": "most_urgent",
        "opened_on": be(new_day).translate(THAI_DIGITS),
        "problems": ["poverty", "housing"],
        "note": "โทรแจ้งเพิ่ม",
    }
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(pk=case_a.pk)
    assert (case.urgency, case.opened_on, case.problems) == (
        "most_urgent",
        new_day,
        ["poverty", "housing"],
    )
    event = case.events.get(kind=K.UPDATED)
    assert event.detail["changed"]["urgency"] == {"from": "normal", "to": "most_urgent"}
    shown = timeline(client, case)
    assert "ความเร่งด่วน: ปกติ → ด่วนที่สุด" in shown
    if new_day != case_a.opened_on:
        with translation.override("th"):
            line = f"วันที่รับเรื่อง: {date_format(case_a.opened_on)} → {date_format(new_day)}"
        assert str(new_day.year + 543) in line
        assert line in shown
    assert "โทรแจ้งเพิ่ม" in shown


def test_an_opening_date_in_another_fiscal_year_is_refused_beside_the_field(
    client, chair_a, case_a
):
    client.force_login(chair_a)
    url = reverse("cases:case-edit", args=[case_a.pk])
    page = client.get(url)
    start = dt.date(case_a.fiscal_year - 543 - 1, 10, 1)
    for day in ("30/09/" + str(start.year + 543), "01/01/2700", "32/01/2569"):
        response = client.post(url, {**form_post(page.context["form"]), "opened_on": day})
        assert response.status_code == 400
        assert field_errors(response, "opened_on"), day
    assert not case_a.events.filter(kind=K.UPDATED).exists()


def test_chair_withdraws_a_consent_and_twice_is_a_message(client, chair_a, case_a):
    consent = consent_record(
        actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ", given_on=case_a.opened_on
    )
    client.force_login(chair_a)
    page = client.get(reverse("cases:case-detail", args=[case_a.pk])).content.decode()
    url = reverse("cases:consent-withdraw", args=[consent.pk])
    assert f'id="withdraw-consent-{consent.pk}"' in page
    assert url in page
    response = client.post(
        url, {"withdrawn_on": be(clock.today()).translate(THAI_DIGITS), "note": "ไม่ประสงค์ให้ส่งต่อ"}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == clock.today()
    shown = timeline(client, case_a)
    assert "ไม่ประสงค์ให้ส่งต่อ" in shown
    assert str(clock.today().year + 543) in shown
    page = client.get(reverse("cases:case-detail", args=[case_a.pk])).content.decode()
    assert f'id="withdraw-consent-{consent.pk}"' not in page
    response = client.post(url, {"withdrawn_on": be(clock.today())})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert case_a.events.filter(kind=K.CONSENT_WITHDRAWN).count() == 1
    # Before it was given: beside the date.
    fresh = consent_record(actor=chair_a, case=case_a, given_by="self", purpose="อื่น")
    url = reverse("cases:consent-withdraw", args=[fresh.pk])
    response = client.post(url, {"withdrawn_on": be(clock.today() - dt.timedelta(days=1))})
    assert response.status_code == 400
    assert field_errors(response, "withdrawn_on")


def test_chair_takes_a_volunteer_off_a_case_with_a_note(client, chair_a, case_a, centre_a):
    keep, leave = (RegistrationFactory(centre=centre_a).volunteer for _ in range(2))
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[keep, leave])
    client.force_login(chair_a)
    url = reverse("cases:case-unassign", args=[case_a.pk])
    assert client.post(url, {"volunteers": [leave.pk]}).status_code == 400  # no note
    outsider = RegistrationFactory().volunteer
    assert client.post(url, {"volunteers": [outsider.pk], "note": "x"}).status_code == 400
    assert case_a.volunteers.count() == 2
    response = client.post(url, {"volunteers": [leave.pk], "note": "ย้ายไปต่างจังหวัด"})
    assert response.status_code == 302
    assert list(case_a.volunteers.all()) == [keep]
    shown = timeline(client, case_a)
    assert f"อาสาสมัคร: {leave.display_name}" in shown
    assert "ย้ายไปต่างจังหวัด" in shown


# ---------------------------------------------------------------------------------------------
# Who gets the forms
# ---------------------------------------------------------------------------------------------


def new_urls(case, household, consent):
    return [
        reverse("cases:case-edit", args=[case.pk]),
        reverse("cases:case-unassign", args=[case.pk]),
        reverse("cases:consent-withdraw", args=[consent.pk]),
        reverse("cases:person-edit", args=[case.person_id]),
        reverse("cases:household-edit", args=[household.pk]),
    ]


@pytest.fixture
def consent_a(case_a, chair_a):
    return consent_record(actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ")


def test_the_chair_of_another_centre_gets_404_on_every_correction_page(
    client, chair_b, case_a, household_a, consent_a
):
    client.force_login(chair_b)
    for url in new_urls(case_a, household_a, consent_a):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"note": "x"}).status_code == 404, url


def test_a_supervisor_gets_403_on_every_correction_page(
    client, supervisor_bangkok, case_a, household_a, consent_a
):
    client.force_login(supervisor_bangkok)
    assert client.get(reverse("cases:case-detail", args=[case_a.pk])).status_code == 200
    for url in new_urls(case_a, household_a, consent_a):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"note": "x"}).status_code == 403, url
    consent_a.refresh_from_db()
    assert consent_a.withdrawn_on is None


def test_a_chair_who_supervises_a_region_corrects_only_their_own_centres_records(
    client, chair_a, chair_b, case_a, household_a, consent_a, centre_b
):
    case_b = open_case(chair_b, centre_b)
    household_b = Household.objects.create(name="ครอบครัวบี", centre=centre_b)
    HouseholdMember.objects.create(household=household_b, person=case_b.person, relation="head")
    consent_b = consent_record(actor=chair_b, case=case_b, given_by="self", purpose="ส่งต่อ")
    also_supervising_the_north(chair_a)
    client.force_login(chair_a)
    for url in new_urls(case_a, household_a, consent_a):
        assert client.get(url).status_code == 200, url
    for url in new_urls(case_b, household_b, consent_b):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"note": "x"}).status_code == 403, url
    # The older record pages too: a visit on a case the user only reads is refused.
    url = reverse("cases:visit-create", args=[case_b.pk])
    assert client.post(url, {"visited_on": be(clock.today()), "findings": "x"}).status_code == 403
    assert not case_b.visits.exists()


# ---------------------------------------------------------------------------------------------
# Honest controls: the buttons of a case are shown only where the user writes that case
# ---------------------------------------------------------------------------------------------

CASE_BUTTONS = [
    'id="add-visit"',
    'id="add-assistance"',
    'id="add-referral"',
    "/status/",
    'id="edit-case"',
    'id="edit-person"',
    'id="withdraw-consent-',
    'id="unassign"',
]
ASSIGN = "/volunteers/"


@pytest.fixture
def busy_case_a(case_a, chair_a, consent_a, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[volunteer])
    return case_a


def buttons(client, case) -> list[str]:
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    shown = [b for b in CASE_BUTTONS if b in html]
    if reverse("cases:case-assign", args=[case.pk]) in html:
        shown.append(ASSIGN)
    return shown


def test_the_chair_sees_every_record_button_of_their_case(client, chair_a, busy_case_a):
    client.force_login(chair_a)
    assert buttons(client, busy_case_a) == [*CASE_BUTTONS, ASSIGN]


def test_a_supervisor_sees_no_record_button(client, supervisor_bangkok, busy_case_a):
    client.force_login(supervisor_bangkok)
    assert buttons(client, busy_case_a) == []
    person = client.get(reverse("cases:person-detail", args=[busy_case_a.person_id]))
    assert 'id="edit-person"' not in person.content.decode()
    for page in (reverse("cases:case-list"), reverse("home")):
        assert reverse("cases:case-create") not in client.get(page).content.decode()


def test_a_chair_who_supervises_a_region_sees_buttons_only_on_their_own_cases(
    client, chair_a, chair_b, busy_case_a, centre_b
):
    case_b = open_case(chair_b, centre_b)
    consent_record(actor=chair_b, case=case_b, given_by="self", purpose="ส่งต่อ")
    case_assign_volunteers(
        actor=chair_b, case=case_b, volunteers=[RegistrationFactory(centre=centre_b).volunteer]
    )
    household_b = Household.objects.create(name="ครอบครัวบี", centre=centre_b)
    HouseholdMember.objects.create(household=household_b, person=case_b.person, relation="head")
    also_supervising_the_north(chair_a)
    client.force_login(chair_a)
    assert buttons(client, busy_case_a) == [*CASE_BUTTONS, ASSIGN]
    assert buttons(client, case_b) == []
    page = client.get(reverse("cases:person-detail", args=[case_b.person_id])).content.decode()
    assert 'id="edit-person"' not in page
    assert f'id="edit-household-{household_b.pk}"' not in page
    assert "ครอบครัวบี" in page  # read, not changed
    own = client.get(reverse("cases:person-detail", args=[busy_case_a.person_id])).content.decode()
    assert 'id="edit-person"' in own
    # They write at their own centre, so they may open a case there.
    assert reverse("cases:case-create") in client.get(reverse("cases:case-list")).content.decode()


def test_the_referral_update_link_follows_the_case_not_the_user(client, chair_a, chair_b, centre_b):
    case_b = open_case(chair_b, centre_b)
    consent_record(actor=chair_b, case=case_b, given_by="self", purpose="ส่งต่อ")
    referral = referral_create(actor=chair_b, case=case_b, agency=AgencyFactory(), reason="ที่พัก")
    also_supervising_the_north(chair_a)
    client.force_login(chair_a)
    url = reverse("cases:referral-status", args=[referral.pk])
    assert url not in client.get(reverse("cases:case-detail", args=[case_b.pk])).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(chair_b)
    assert url in client.get(reverse("cases:case-detail", args=[case_b.pk])).content.decode()


# ---------------------------------------------------------------------------------------------
# Query counts of the pages that list rows
# ---------------------------------------------------------------------------------------------


def test_the_person_page_does_not_grow_in_queries_with_corrections_and_members(
    client, chair_a, case_a, household_a, django_assert_max_num_queries
):
    client.force_login(chair_a)
    url = reverse("cases:person-detail", args=[case_a.person.pk])

    def correct(n, start):
        for i in range(n):
            person_update(actor=chair_a, person=case_a.person, last_name=f"แก้{start + i}")
            HouseholdMember.objects.create(
                household=household_a, name=f"สมาชิก{start + i}", relation="relative"
            )
            open_case(chair_a, case_a.centre, person=case_a.person)

    correct(2, 0)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    correct(15, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert "สมาชิก16" in page
    assert "แก้16" in page


def test_the_household_page_does_not_grow_in_queries_with_members(
    client, chair_a, case_a, household_a, centre_a, django_assert_max_num_queries
):
    client.force_login(chair_a)
    url = reverse("cases:household-edit", args=[household_a.pk])
    with django_assert_max_num_queries(20) as small:
        client.get(url, {"person_q": "สมศรี"})
    for _ in range(15):
        person = PersonFactory(centre=centre_a)
        HouseholdMember.objects.create(household=household_a, person=person, relation="child")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url, {"person_q": "สมศรี"})
    assert len(page.context["members"].forms) == 17 + 2


def test_the_case_page_with_corrections_does_not_grow_in_queries(
    client, chair_a, case_a, django_assert_max_num_queries
):
    client.force_login(chair_a)
    url = reverse("cases:case-detail", args=[case_a.pk])
    person_update(actor=chair_a, person=case_a.person, last_name="แก้")
    consent = consent_record(actor=chair_a, case=case_a, given_by="self", purpose="ก")
    consent_withdraw(actor=chair_a, consent=consent)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for i in range(10):
        person_update(actor=chair_a, person=case_a.person, last_name=f"แก้{i}")
        consent_record(actor=chair_a, case=case_a, given_by="self", purpose=f"ข{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# ---------------------------------------------------------------------------------------------
# Two people correcting the same record
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def colleague_a(centre_a):
    """A staff member of centre A, who corrects A's records too."""
    user = UserFactory(username="staff-a")
    StaffAssignmentFactory(user=user, role="staff", centre=centre_a)
    return user


def test_a_correction_filled_before_a_colleagues_is_refused_and_undoes_nothing(
    client, chair_a, colleague_a, case_a
):
    client.force_login(chair_a)
    url = reverse("cases:person-edit", args=[case_a.person.pk])
    post = person_form_post(client, case_a.person, **{"person-last_name": "ใจงาม"})
    # Meanwhile the colleague adds the phone number.
    person_update(actor=colleague_a, person=case_a.person, phone="081 234 5678")
    response = client.post(url, post)  # the chair's form still has no phone
    assert response.status_code == 409
    person = Person.objects.get(pk=case_a.person.pk)
    assert (person.phone, person.last_name) == ("+66812345678", "ยากลำบาก")
    assert CaseEvent.objects.filter(kind=K.PERSON_UPDATED).count() == 1
    # The form comes back on the record as it is now, and saves from there.
    fresh = {**form_post(response.context["form"]), "person-last_name": "ใจงาม"}
    assert fresh["person-phone"] == "081 234 5678"
    assert client.post(url, fresh).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.last_name) == ("+66812345678", "ใจงาม")


def test_a_stale_case_or_household_correction_is_refused_too(
    client, chair_a, colleague_a, case_a, household_a
):
    from cases.services import MemberRow, case_update, household_update

    client.force_login(chair_a)
    url = reverse("cases:case-edit", args=[case_a.pk])
    post = {**form_post(client.get(url).context["form"]), "summary": "ของประธาน"}
    case_update(actor=colleague_a, case=case_a, urgency="urgent")
    response = client.post(url, post)
    assert response.status_code == 409
    case = Case.objects.get(pk=case_a.pk)
    assert (case.urgency, case.summary) == ("urgent", "")
    assert response.context["form"]["urgency"].value() == "urgent"
    url = reverse("cases:household-edit", args=[household_a.pk])
    post = household_form_post(client, household_a, **{"household-name": "ของประธาน"})
    head = household_a.members.get(person=case_a.person)
    household_update(
        actor=colleague_a,
        household=household_a,
        members=[
            MemberRow(id=head.pk, person=case_a.person, relation="head", occupation="รับจ้าง"),
        ],
    )
    response = client.post(url, post)
    assert response.status_code == 409
    household_a.refresh_from_db()
    assert household_a.name == "ครอบครัวแสงทอง"
    assert household_a.members.get(pk=head.pk).occupation == "รับจ้าง"
