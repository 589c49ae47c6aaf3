"""Corrections through the services: a person, a household and its members, a case's intake
details and opening date, a consent's withdrawal, volunteers taken off a case. Each keeps the
values it replaces on the timeline, refuses bad input with nothing saved, and writes only
where the actor writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.formats import date_format

from cases.models import Case, CaseAssignment, CaseEvent, Household, HouseholdMember, Person
from cases.services import (
    MemberRow,
    case_assign_volunteers,
    case_unassign_volunteers,
    case_update,
    consent_record,
    consent_withdraw,
    household_update,
    person_corrections,
    person_update,
    visit_record,
)
from centres.models import Subdistrict
from tests import clock
from tests.cases.factories import PersonFactory, open_case
from tests.factories import RegistrationFactory, also_supervising_the_north, national_id
from volunteer_centre.thai import fiscal_year

K = CaseEvent.Kind


@pytest.fixture
def case_a(centre_a, chair_a):
    return open_case(chair_a, centre_a)


def person_row(person):
    return Person.objects.filter(pk=person.pk).values().get()


def lines(event, language="en"):
    with translation.override(language):
        return event.change_lines()


# ---------------------------------------------------------------------------------------------
# A person
# ---------------------------------------------------------------------------------------------


def test_a_person_correction_keeps_the_old_and_new_values_on_each_of_their_cases(
    case_a, chair_a, centre_a
):
    person = case_a.person
    second = open_case(chair_a, centre_a, person=person)
    old_id, old_first = person.national_id, person.first_name
    person_update(
        actor=chair_a,
        person=person,
        first_name="สมหญิง",
        birth_date=dt.date(1966, 8, 1),
        phone="081 234 5678",
        target_groups=["older", "women"],
        subdistrict=Subdistrict.objects.get(code="100508"),
        note="บัตรประชาชนใบใหม่",
    )
    person.refresh_from_db()
    assert (person.first_name, person.birth_date, person.phone) == (
        "สมหญิง",
        dt.date(1966, 8, 1),
        "+66812345678",
    )
    events = CaseEvent.objects.filter(kind=K.PERSON_UPDATED).order_by("case_id")
    assert [e.case_id for e in events] == [case_a.pk, second.pk]
    first, other = events
    assert first.detail == other.detail
    assert first.note == "บัตรประชาชนใบใหม่"
    changed = first.detail["changed"]
    assert changed["first_name"] == {"from": old_first, "to": "สมหญิง"}
    assert changed["birth_date"] == {"from": "1965-07-05", "to": "1966-08-01"}
    assert changed["phone"] == {"from": "", "to": "+66812345678"}
    assert changed["target_groups"] == {"from": [], "to": ["older", "women"]}
    assert changed["subdistrict"]["from"]["code"] == "100502"
    assert changed["subdistrict"]["to"]["code"] == "100508"
    assert "national_id" not in changed
    assert person.national_id == old_id
    english = lines(first)
    assert "birth date: 5 Jul 1965 → 1 Aug 1966" in english
    assert "phone: – → 081 234 5678" in english
    assert "target groups: – → older people, women" in english
    assert (
        "registered address · subdistrict: Anusawari · Bang Khen · Bangkok → "
        "Tha Raeng · Bang Khen · Bangkok"
    ) in english
    # Dates in the Buddhist Era, the place by its Thai names.
    thai = lines(first, "th")
    assert "วันเกิด: 5 ก.ค. 2508 → 1 ส.ค. 2509" in thai, thai
    assert any(
        line.startswith("ที่อยู่ตามทะเบียนบ้าน · ")
        and "อนุสาวรีย์ · เขตบางเขน · กรุงเทพมหานคร → ท่าแร้ง · เขตบางเขน · กรุงเทพมหานคร" in line
        for line in thai
    ), thai


def test_a_person_correction_is_shown_once_on_the_person_page_list(case_a, chair_a, centre_a):
    open_case(chair_a, centre_a, person=case_a.person)
    person_update(actor=chair_a, person=case_a.person, last_name="ใจงาม")
    shown = person_corrections(chair_a, case_a.person)
    assert len(shown) == 1
    assert lines(shown[0]) == ["last name: ยากลำบาก → ใจงาม"]


def test_the_same_values_again_record_nothing(case_a, chair_a):
    person = case_a.person
    person_update(
        actor=chair_a, person=person, first_name=person.first_name, birth_date=person.birth_date
    )
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()


def test_giving_the_national_id_clears_the_reason_and_keeps_it_in_the_history(centre_a, chair_a):
    person = PersonFactory(
        centre=centre_a, national_id=None, no_id_reason="other", no_id_note="บัตรหาย"
    )
    case = open_case(chair_a, centre_a, person=person)
    digits = national_id(4243)
    # Typed with dashes and Thai digits, as on the card.
    typed = f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"
    typed = typed.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    person_update(actor=chair_a, person=person, national_id=typed)
    person.refresh_from_db()
    assert (person.national_id, person.no_id_reason, person.no_id_note) == (digits, "", "")
    changed = case.events.get(kind=K.PERSON_UPDATED).detail["changed"]
    assert changed == {
        "national_id": {"from": None, "to": digits},
        "no_id_reason": {"from": "other", "to": ""},
        "no_id_note": {"from": "บัตรหาย", "to": ""},
    }


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"national_id": "1234567890123"}, "national_id", "national_id_checksum"),
        ({"national_id": "12345"}, "national_id", "national_id_length"),
        ({"birth_date": clock.today() + dt.timedelta(days=1)}, "birth_date", "future_date"),
        ({"first_name": "  "}, "first_name", "required"),
        ({"first_name": "ก" * 101}, "first_name", "max_length"),
        ({"sex": "other-sex"}, "sex", "invalid_choice"),
        ({"target_groups": ["aliens"]}, "target_groups", "invalid_choice"),
        ({"phone": "12"}, "phone", "phone"),
        ({"postcode": "1022"}, "postcode", "postcode"),
        ({"national_id": None, "no_id_reason": ""}, "no_id_reason", "no_id_reason_missing"),
        ({"national_id": None, "no_id_reason": "other"}, "no_id_note", "required"),
    ],
)
def test_a_bad_person_correction_is_refused_beside_the_field_with_nothing_saved(
    case_a, chair_a, changes, field, code
):
    before = person_row(case_a.person)
    with pytest.raises(ValidationError) as refused:
        # A valid change beside the bad one is not saved either.
        person_update(actor=chair_a, person=case_a.person, last_name="ใหม่", **changes)
    assert field in refused.value.error_dict
    assert refused.value.error_dict[field][0].code == code
    assert person_row(case_a.person) == before
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()


def test_a_national_id_held_at_another_centre_is_named_as_such_and_nothing_more(
    case_a, chair_a, centre_b, chair_b
):
    elsewhere = open_case(chair_b, centre_b, person=PersonFactory(centre=centre_b)).person
    with pytest.raises(ValidationError) as refused:
        person_update(actor=chair_a, person=case_a.person, national_id=elsewhere.national_id)
    with translation.override("en"):
        (message,) = refused.value.message_dict["national_id"]
    assert message == "This national ID is already recorded at another centre."
    # One the actor may see is named.
    other = open_case(chair_a, case_a.centre).person
    with pytest.raises(ValidationError) as refused:
        person_update(actor=chair_a, person=case_a.person, national_id=other.national_id)
    assert other.display_name in refused.value.message_dict["national_id"][0]


def test_a_person_correction_is_kept_only_on_the_cases_of_the_actors_centres(
    centre_a, centre_b, chair_a, superuser
):
    """A person of A with a case at A and one at B: A's chair who also supervises the North
    (B's region) reads B's case but writes the correction only on A's timeline."""
    also_supervising_the_north(chair_a)
    own = open_case(chair_a, centre_a)
    theirs = open_case(superuser, centre_b, person=own.person)  # B took the person in too
    person_update(actor=chair_a, person=own.person, last_name="ใหม่")
    assert list(CaseEvent.objects.filter(kind=K.PERSON_UPDATED).values_list("case", flat=True)) == [
        own.pk
    ]
    assert not theirs.events.filter(kind=K.PERSON_UPDATED).exists()


def test_a_person_with_no_case_at_the_actors_centres_is_not_corrected(
    centre_a, centre_b, chair_a, superuser
):
    """Corrections are kept on timelines: with none at the actor's centres, nothing is saved."""
    lonely = PersonFactory(centre=centre_a)
    before = person_row(lonely)
    with pytest.raises(ValidationError) as refused:
        person_update(actor=chair_a, person=lonely, last_name="ใหม่")
    assert refused.value.code == "no_case"
    # Recorded at A, handled at B: A's chair has no timeline to keep it on either.
    handled_elsewhere = open_case(superuser, centre_b, person=PersonFactory(centre=centre_a)).person
    with pytest.raises(ValidationError) as refused:
        person_update(actor=chair_a, person=handled_elsewhere, last_name="ใหม่")
    assert refused.value.code == "no_case"
    assert person_row(lonely) == before


def test_only_a_writer_of_the_persons_centres_corrects_them(
    case_a, chair_b, supervisor_north, centre_a
):
    from tests.factories import StaffAssignmentFactory, UserFactory

    reader = UserFactory()
    StaffAssignmentFactory(user=reader, role="supervisor", centre=centre_a)
    for actor in (chair_b, supervisor_north, reader):
        with pytest.raises(PermissionDenied):
            person_update(actor=actor, person=case_a.person, last_name="ใหม่")
    assert not CaseEvent.objects.filter(kind=K.PERSON_UPDATED).exists()


def test_living_at_the_registered_address_clears_the_current_one_and_keeps_it(case_a, chair_a):
    person = case_a.person
    elsewhere = Subdistrict.objects.get(code="100508")
    person_update(
        actor=chair_a,
        person=person,
        current_same_as_registered=False,
        current_house_number="99/1",
        current_subdistrict=elsewhere,
    )
    person_update(actor=chair_a, person=person, current_same_as_registered=True)
    person.refresh_from_db()
    assert (person.current_house_number, person.current_subdistrict_id) == ("", None)
    last = CaseEvent.objects.filter(kind=K.PERSON_UPDATED).order_by("pk").last()
    assert last.detail["changed"]["current_house_number"] == {"from": "99/1", "to": ""}
    assert any(line.startswith("current address · house number: 99/1 → –") for line in lines(last))


# ---------------------------------------------------------------------------------------------
# A household and its members
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def household(case_a, centre_a):
    household = Household.objects.create(name="ครอบครัวแสงทอง", centre=centre_a)
    HouseholdMember.objects.create(
        household=household, person=case_a.person, relation="head", monthly_income=Decimal("3000")
    )
    HouseholdMember.objects.create(household=household, name="นายสมปอง", relation="spouse")
    return household


def test_a_household_correction_keeps_every_replaced_value(household, case_a, chair_a):
    head, spouse = household.members.order_by("pk")
    household_update(
        actor=chair_a,
        household=household,
        name="ครอบครัวแสงทองดี",
        house_registration_code="1234-567890-1",
        members=[
            MemberRow(
                id=head.pk, person=case_a.person, relation="head", monthly_income=Decimal("3500")
            ),
            MemberRow(id=spouse.pk, remove=True),
            MemberRow(name="เด็กหญิงมะลิ", relation="child", birth_date=dt.date(2015, 1, 2)),
        ],
        note="ลงพื้นที่พบ",
    )
    household.refresh_from_db()
    assert (household.name, household.house_registration_code) == ("ครอบครัวแสงทองดี", "12345678901")
    members = list(
        household.members.order_by("pk").values_list("name", "relation", "monthly_income")
    )
    assert members == [("", "head", Decimal("3500.00")), ("เด็กหญิงมะลิ", "child", None)]
    event = case_a.events.get(kind=K.HOUSEHOLD_UPDATED)
    assert event.note == "ลงพื้นที่พบ"
    assert event.detail["changed"]["name"] == {"from": "ครอบครัวแสงทอง", "to": "ครอบครัวแสงทองดี"}
    changed, removed, added = event.detail["members"]
    assert changed["action"] == "changed"
    assert changed["changed"] == {"monthly_income": {"from": "3000.00", "to": "3500.00"}}
    assert removed == {
        "action": "removed",
        "member": "นายสมปอง",
        "changed": {
            "name": {"from": "นายสมปอง", "to": None},
            "relation": {"from": "spouse", "to": None},
        },
    }
    assert added["action"] == "added"
    assert added["member"] == "เด็กหญิงมะลิ"
    english = lines(event)
    assert "household: ครอบครัวแสงทองดี" in english
    assert (
        f"household member {case_a.person.display_name} (changed): monthly income (baht): "
        "3,000.00 → 3,500.00" in english
    )
    assert (
        "household member นายสมปอง (removed): name: นายสมปอง → –; relation to the head: "
        "spouse → –" in english
    )
    assert any(
        line.startswith("household member เด็กหญิงมะลิ (added)") and "2015" in line for line in english
    )
    thai = lines(event, "th")
    assert any("2558" in line for line in thai), thai  # 2015 in the Buddhist Era


def test_a_member_row_of_another_household_is_refused_with_nothing_saved(
    household, chair_a, centre_a
):
    other = Household.objects.create(name="อื่น", centre=centre_a)
    stranger = HouseholdMember.objects.create(household=other, name="คนอื่น", relation="head")
    with pytest.raises(ValidationError) as refused:
        household_update(
            actor=chair_a,
            household=household,
            name="ใหม่",
            members=[MemberRow(id=stranger.pk, name="แก้", relation="child")],
        )
    assert refused.value.error_dict["members"][0].code == "member_of_another_household"
    household.refresh_from_db()
    stranger.refresh_from_db()
    assert household.name == "ครอบครัวแสงทอง"
    assert stranger.name == "คนอื่น"
    assert not CaseEvent.objects.filter(kind=K.HOUSEHOLD_UPDATED).exists()


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (MemberRow(relation="child"), "member_without_person_or_name"),
        (MemberRow(name="ก", relation="boss"), "invalid_choice"),
        (
            MemberRow(name="ก", relation="child", birth_date=clock.today() + dt.timedelta(days=1)),
            "future_date",
        ),
        (MemberRow(name="ก", relation="child", monthly_income=Decimal("-1")), "income"),
        (MemberRow(name="ก", relation="child", monthly_income=Decimal("1e12")), "income"),
    ],
)
def test_a_bad_member_row_is_refused_with_nothing_saved(household, chair_a, row, code):
    count = household.members.count()
    with pytest.raises(ValidationError) as refused:
        household_update(actor=chair_a, household=household, name="ใหม่", members=[row])
    assert refused.value.error_dict["members"][0].code == code
    assert household.members.count() == count
    assert Household.objects.get(pk=household.pk).name == "ครอบครัวแสงทอง"


def test_the_same_person_twice_and_a_person_of_another_centre_are_refused(
    household, case_a, chair_a, chair_b, centre_b
):
    with pytest.raises(ValidationError) as refused:
        household_update(
            actor=chair_a,
            household=household,
            members=[MemberRow(person=case_a.person, relation="child")],
        )
    assert refused.value.error_dict["members"][0].code == "member_twice"
    outsider = open_case(chair_b, centre_b).person
    with pytest.raises(ValidationError) as refused:
        household_update(
            actor=chair_a,
            household=household,
            members=[MemberRow(person=outsider, relation="child")],
        )
    assert refused.value.error_dict["members"][0].code == "person_scope"
    assert household.members.count() == 2


def test_a_household_of_nobody_with_a_case_is_not_corrected(centre_a, chair_a, chair_b, household):
    bare = Household.objects.create(name="ว่าง", centre=centre_a)
    HouseholdMember.objects.create(household=bare, name="ใครสักคน", relation="head")
    with pytest.raises(ValidationError) as refused:
        household_update(actor=chair_a, household=bare, name="ใหม่")
    assert refused.value.code == "no_case"
    with pytest.raises(PermissionDenied):
        household_update(actor=chair_b, household=household, name="ใหม่")
    assert Household.objects.get(pk=bare.pk).name == "ว่าง"


# ---------------------------------------------------------------------------------------------
# A case's intake details and opening date
# ---------------------------------------------------------------------------------------------


def test_correcting_the_opening_date_keeps_the_old_date_and_shows_it_in_be(case_a, chair_a):
    old = case_a.opened_on
    new = old - dt.timedelta(days=1)
    if fiscal_year(new) != case_a.fiscal_year:  # the case opened on 1 October
        new = old + dt.timedelta(days=1)
    case_update(actor=chair_a, case=case_a, opened_on=new, urgency="urgent")
    case_a.refresh_from_db()
    assert case_a.opened_on == new
    assert case_a.urgency == "urgent"
    event = case_a.events.get(kind=K.UPDATED)
    assert event.detail["changed"]["opened_on"] == {"from": str(old), "to": str(new)}
    with translation.override("th"):
        expected = f"วันที่รับเรื่อง: {date_format(old, 'j M Y')} → {date_format(new, 'j M Y')}"
        assert str(old.year + 543) in expected  # the format shows the Buddhist Era
        assert expected in event.change_lines()


def test_an_opening_date_in_another_fiscal_year_or_after_the_work_is_refused(case_a, chair_a):
    start = dt.date(case_a.fiscal_year - 543 - 1, 10, 1)
    with pytest.raises(ValidationError) as refused:
        case_update(actor=chair_a, case=case_a, opened_on=start - dt.timedelta(days=1))
    assert refused.value.error_dict["opened_on"][0].code == "opening_in_another_fiscal_year"
    visit_record(actor=chair_a, case=case_a, visited_on=case_a.opened_on, findings="พบ")
    with pytest.raises(ValidationError) as refused:
        case_update(actor=chair_a, case=case_a, opened_on=case_a.opened_on + dt.timedelta(days=1))
    assert refused.value.error_dict["opened_on"][0].code in (
        "opens_after_work",
        "opening_in_another_fiscal_year",
    )
    with pytest.raises(ValidationError) as refused:
        case_update(actor=chair_a, case=case_a, opened_on=clock.today() + dt.timedelta(days=1))
    assert "opened_on" in refused.value.error_dict
    assert Case.objects.get(pk=case_a.pk).opened_on == case_a.opened_on
    assert not case_a.events.filter(kind=K.UPDATED).exists()


# ---------------------------------------------------------------------------------------------
# Consent and volunteers
# ---------------------------------------------------------------------------------------------


def test_withdrawing_a_consent_keeps_the_date_and_twice_is_a_message(case_a, chair_a):
    consent = consent_record(
        actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ", given_on=case_a.opened_on
    )
    consent_withdraw(actor=chair_a, consent=consent, withdrawn_on=clock.today(), note="ขอถอน")
    event = case_a.events.get(kind=K.CONSENT_WITHDRAWN)
    assert event.detail["changed"] == {"withdrawn_on": {"from": None, "to": str(clock.today())}}
    assert event.note == "ขอถอน"
    with translation.override("th"):
        assert event.change_lines() == [
            f"วันที่ถอนความยินยอม: – → {date_format(clock.today(), 'j M Y')}"
        ]
        assert str(clock.today().year + 543) in event.change_lines()[0]
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(actor=chair_a, consent=consent, withdrawn_on=clock.today())
    assert refused.value.code == "already_withdrawn"
    assert case_a.events.filter(kind=K.CONSENT_WITHDRAWN).count() == 1


def test_taking_a_volunteer_off_keeps_their_name_and_the_note(case_a, chair_a, centre_a):
    keep, leave = (RegistrationFactory(centre=centre_a).volunteer for _ in range(2))
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[keep, leave])
    removed = case_unassign_volunteers(
        actor=chair_a, case=case_a, volunteers=[leave], note="ย้ายไปอยู่ต่างจังหวัด"
    )
    assert removed == 1
    assert list(CaseAssignment.objects.filter(case=case_a).values_list("volunteer", flat=True)) == [
        keep.pk
    ]
    event = case_a.events.get(kind=K.UNASSIGNED)
    assert event.detail == {"volunteers": [leave.pk], "names": [leave.display_name]}
    assert event.note == "ย้ายไปอยู่ต่างจังหวัด"
    assert lines(event) == [f"volunteers: {leave.display_name}"]
    # Again: nobody left to take off, nothing recorded.
    assert case_unassign_volunteers(actor=chair_a, case=case_a, volunteers=[leave]) == 0
    assert case_a.events.filter(kind=K.UNASSIGNED).count() == 1


def test_a_correction_filled_on_an_older_version_is_refused_with_nothing_saved(
    case_a, chair_a, household
):
    from cases.services import case_version, household_version, person_version

    person = case_a.person
    seen = person_version(person)
    person_update(actor=chair_a, person=person, phone="081 234 5678")
    with pytest.raises(ValidationError) as refused:
        person_update(actor=chair_a, person=person, expected_version=seen, phone="")
    assert refused.value.code == "stale"
    assert Person.objects.get(pk=person.pk).phone == "+66812345678"
    person_update(actor=chair_a, person=person, expected_version=person_version(person), phone="")
    assert Person.objects.get(pk=person.pk).phone == ""
    seen = case_version(case_a)
    case_update(actor=chair_a, case=case_a, urgency="urgent")
    with pytest.raises(ValidationError) as refused:
        case_update(actor=chair_a, case=case_a, expected_version=seen, urgency="normal")
    assert refused.value.code == "stale"
    assert Case.objects.get(pk=case_a.pk).urgency == "urgent"
    seen = household_version(household)
    household_update(actor=chair_a, household=household, name="ใหม่")
    with pytest.raises(ValidationError) as refused:
        household_update(actor=chair_a, household=household, expected_version=seen, name="เก่า")
    assert refused.value.code == "stale"
    assert Household.objects.get(pk=household.pk).name == "ใหม่"
