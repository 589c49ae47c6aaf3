import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.models import (
    Agency,
    Case,
    CaseEvent,
    Consent,
    Household,
    HouseholdMember,
    Person,
    Referral,
    Visit,
)
from cases.services import case_change_status, consent_record, referral_create
from tests import clock
from tests.cases.factories import AgencyFactory, PersonFactory, cases_bulk, open_case
from tests.factories import CentreFactory, RegistrationFactory


def staff(user, app_labels=("cases", "centres", "volunteers")):
    """Staff status and every permission of the apps: scope, not permissions, is under test."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=app_labels))
    return user


# The admin_client and chair_a_client fixtures: tests/cases/conftest.py.


def changelist(client, **params):
    return client.get(reverse("admin:cases_case_changelist"), params)


def listed(response):
    return sorted(obj.number for obj in response.context["cl"].result_list)


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def inline_management(response) -> dict:
    """The management forms and ids of every inline on a rendered change page."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        initial = len(formset.initial_forms)
        data[f"{formset.prefix}-TOTAL_FORMS"] = initial
        data[f"{formset.prefix}-INITIAL_FORMS"] = initial
        data[f"{formset.prefix}-MIN_NUM_FORMS"] = 0
        data[f"{formset.prefix}-MAX_NUM_FORMS"] = 1000
        for i, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{i}-id"] = form.instance.pk
    return data


def change_post(client, case, **fields):
    """POST the case's change page as the browser would, plus ``fields``."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "intake_channel": case.intake_channel,
        "reporter_type": case.reporter_type,
        "reporter_name": case.reporter_name,
        "reporter_phone": "",
        "problems": case.problems,
        "urgency": case.urgency,
        "summary": case.summary,
        **inline_management(page),
    }
    for key, value in fields.items():
        if key.endswith("-TOTAL_FORMS"):
            data[key] = data[key] + value  # extra rows added
        else:
            data[key] = value
    return client.post(url, data)


# ---------------------------------------------------------------------------------------------
# The case list: filters, search, query count
# ---------------------------------------------------------------------------------------------


def test_case_list_query_count_does_not_grow_from_30_to_300_cases(admin_client, centre_a, centre_b):
    cases_bulk(centre_a, 20)
    cases_bulk(centre_b, 10)
    with CaptureQueriesContext(connection) as thirty:
        assert changelist(admin_client).status_code == 200
    with CaptureQueriesContext(connection) as thirty_searched:
        assert changelist(admin_client, q="บุคคล", status="assessing").status_code == 200
    some_id = Case.objects.select_related("person").first().person.national_id
    with CaptureQueriesContext(connection) as thirty_by_id:
        response = changelist(admin_client, q=some_id)
    assert response.context["cl"].result_count == 1

    cases_bulk(centre_a, 180, start=21)
    cases_bulk(centre_b, 90, start=11)
    assert Case.objects.count() == 300
    with CaptureQueriesContext(connection) as three_hundred:
        response = changelist(admin_client)
    assert response.context["cl"].result_count == 300
    with CaptureQueriesContext(connection) as three_hundred_searched:
        response = changelist(admin_client, q="บุคคล", status="assessing")
    assert response.context["cl"].result_count == 300
    with CaptureQueriesContext(connection) as three_hundred_by_id:
        response = changelist(admin_client, q=some_id)
    assert response.context["cl"].result_count == 1
    assert len(three_hundred) == len(thirty), [q["sql"] for q in three_hundred]
    assert len(three_hundred_searched) == len(thirty_searched)
    assert len(three_hundred_by_id) == len(thirty_by_id)


def test_case_list_filters(admin_client, centre_a, centre_b, superuser):
    a = open_case(superuser, centre_a, problems=["drugs"], urgency="urgent")
    old = open_case(superuser, centre_a, problems=["poverty"], opened_on=dt.date(2019, 3, 11))
    b = open_case(superuser, centre_b, problems=["poverty", "housing"])
    case_change_status(actor=superuser, case=b, to_status="assessing")
    expectations = {
        "centre": (centre_a.pk, [a, old]),
        "district": (centre_b.district_id, [b]),
        "province": ("10", [a, old]),
        "status": ("assessing", [b]),
        "urgency": ("urgent", [a]),
        "problem": ("poverty", [old, b]),
        "fiscal_year": ("2562", [old]),
    }
    for param, (value, expected) in expectations.items():
        response = changelist(admin_client, **{param: value})
        assert response.status_code == 200, param
        assert listed(response) == sorted(c.number for c in expected), param
    response = changelist(admin_client)
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert len(filters) == 7


def test_case_search_by_number_name_and_national_id_typed_any_way(
    admin_client, centre_a, superuser
):
    somsri = PersonFactory(
        centre=centre_a, first_name="สมศรี", last_name="มีสุข", national_id="1101700230708"
    )
    other = PersonFactory(centre=centre_a, first_name="ประยุทธ", last_name="ทองดี")
    case = open_case(superuser, centre_a, person=somsri)
    other_case = open_case(superuser, centre_a, person=other)
    for term in [
        case.number,
        case.number.lower(),
        "ศรี",  # a Thai substring of the first name
        "มีสุข",
        "สมศรี มีสุข",
        "1101700230708",
        "1-1017-00230-70-8",
        "1 1017 00230 70 8",
        "๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘",
    ]:
        assert listed(changelist(admin_client, q=term)) == [case.number], term
    assert listed(changelist(admin_client, q="ทองดี")) == [other_case.number]
    assert listed(changelist(admin_client, q="ไม่มีใครชื่อนี้")) == []


# ---------------------------------------------------------------------------------------------
# Scope: another centre's chair
# ---------------------------------------------------------------------------------------------


def test_chair_of_centre_b_sees_nothing_of_centre_a(client, centre_a, centre_b, chair_a, chair_b):
    case_a = open_case(chair_a, centre_a)
    case_b = open_case(chair_b, centre_b)
    person_a, person_b = case_a.person, case_b.person
    client.force_login(staff(chair_b))

    assert listed(changelist(client)) == [case_b.number]
    persons = client.get(reverse("admin:cases_person_changelist"))
    assert list(persons.context["cl"].result_list) == [person_b]
    for name, obj in [("case", case_a), ("person", person_a)]:
        url = reverse(f"admin:cases_{name}_change", args=[obj.pk])
        assert client.get(url).status_code == 404
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "case", "field_name": "person", "term": ""},
    )
    ids = {int(r["id"]) for r in json.loads(autocomplete.content)["results"]}
    assert ids == {person_b.pk}
    # Searching by A's person's national ID finds nothing either.
    assert listed(changelist(client, q=person_a.national_id)) == []


def test_supervisor_views_the_cases_of_their_region_but_cannot_add(
    client, centre_b, supervisor_north, chair_b
):
    case_b = open_case(chair_b, centre_b)
    client.force_login(staff(supervisor_north))
    assert listed(changelist(client)) == [case_b.number]
    assert client.get(reverse("admin:cases_case_add")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Writing through the services
# ---------------------------------------------------------------------------------------------


def test_adding_a_case_in_the_admin_opens_it_through_the_service(chair_a_client, centre_a, chair_a):
    person = PersonFactory(centre=centre_a)
    response = chair_a_client.post(
        reverse("admin:cases_case_add"),
        {
            "centre": centre_a.pk,
            "person": person.pk,
            "opened_on": be(clock.today()),
            "intake_channel": "hotline_1300",
            "reporter_type": "relative",
            "reporter_name": "นางญาติ",
            "reporter_phone": "081 234 5678",
            "problems": ["poverty", "older_people"],
            "urgency": "urgent",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get()
    assert case.number.startswith("BKN-")
    assert case.number.endswith("-0001")
    assert case.reporter_phone == "+66812345678"
    assert list(case.events.values_list("kind", "actor")) == [("opened", chair_a.pk)]


def test_a_bad_case_in_the_admin_shows_the_services_message_and_saves_nothing(
    chair_a_client, centre_a, chair_a
):
    person = PersonFactory(centre=centre_a)
    response = chair_a_client.post(
        reverse("admin:cases_case_add"),
        {
            "centre": centre_a.pk,
            "person": person.pk,
            "opened_on": be(clock.today() + dt.timedelta(days=3)),
            "intake_channel": "walk_in",
            "reporter_type": "self",
            "problems": ["poverty"],
            "risk_flags": ["other"],
            "urgency": "normal",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "risk_note" in errors
    assert not Case.objects.exists()
    # The dry run gave its number back: the next real case is 0001.
    assert open_case(chair_a, centre_a).number.endswith("-0001")


def test_status_changes_in_the_admin_go_through_the_service(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    response = change_post(chair_a_client, case, new_status="assessing", status_note="รับแล้ว")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "assessing"
    event = case.events.get(kind="status")
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "new",
        "assessing",
        chair_a,
        "รับแล้ว",
    )

    # A jump the path does not allow is not even offered.
    response = change_post(chair_a_client, case, new_status="closed")
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.status == "assessing"


def test_closing_in_the_admin_without_a_reason_is_refused_next_to_the_field(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    for status in ["assessing", "assisting", "monitoring"]:
        case_change_status(actor=chair_a, case=case, to_status=status)
    response = change_post(chair_a_client, case, new_status="closed")
    assert response.status_code == 200
    assert "close_reason" in response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.status == "monitoring"
    response = change_post(chair_a_client, case, new_status="closed", close_reason="resolved")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on) == (
        "closed",
        "resolved",
        clock.today(),
    )


def test_closing_while_adding_a_visit_in_the_same_save_is_refused_beside_the_status(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    for status in ["assessing", "assisting", "monitoring"]:
        case_change_status(actor=chair_a, case=case, to_status=status)
    response = change_post(
        chair_a_client,
        case,
        new_status="closed",
        close_reason="resolved",
        status_on=be(clock.today() - dt.timedelta(days=1)),
        **{
            "visits-TOTAL_FORMS": 1,
            "visits-0-visited_on": be(clock.today()),
            "visits-0-findings": "เยี่ยมครั้งสุดท้าย",
        },
    )
    assert response.status_code == 200
    assert "new_status" in response.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.status == "monitoring"
    assert not case.visits.exists()


def test_a_visit_added_inline_goes_through_the_service(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    response = change_post(
        chair_a_client,
        case,
        **{
            "visits-TOTAL_FORMS": 1,
            "visits-0-visited_on": be(clock.today()),
            "visits-0-volunteers": [volunteer.pk],
            "visits-0-findings": "ครอบครัวยากลำบาก",
            "visits-0-next_follow_up_on": be(clock.today() + dt.timedelta(days=14)),
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert list(visit.volunteers.all()) == [volunteer]
    assert case.events.filter(kind="visit", actor=chair_a).count() == 1


def test_a_visit_dated_before_the_opening_is_refused_inline_with_nothing_saved(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    events = case.events.count()
    response = change_post(
        chair_a_client,
        case,
        summary="แก้ไขสรุปพร้อมกัน",
        **{
            "visits-TOTAL_FORMS": 1,
            "visits-0-visited_on": be(case.opened_on - dt.timedelta(days=1)),
            "visits-0-findings": "ก่อนรับเรื่อง",
        },
    )
    assert response.status_code == 200
    formset = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "visits"
    )
    assert "visited_on" in formset.forms[0].errors
    case.refresh_from_db()
    assert case.summary == ""
    assert not Visit.objects.exists()
    assert case.events.count() == events


def test_assistance_with_an_absurd_amount_is_refused_inline(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    response = change_post(
        chair_a_client,
        case,
        **{
            "assistance-TOTAL_FORMS": 1,
            "assistance-0-kind": "money",
            "assistance-0-programme": "low_income_grant",
            "assistance-0-amount": "30000000",
            "assistance-0-given_on": be(clock.today()),
        },
    )
    assert response.status_code == 200
    assert not case.assistance.exists()
    response = change_post(
        chair_a_client,
        case,
        **{
            "assistance-TOTAL_FORMS": 1,
            "assistance-0-kind": "goods",
            "assistance-0-programme": "other",
            "assistance-0-amount": "0",
            "assistance-0-given_on": be(clock.today()),
            "assistance-0-items_text": "รถจักรยาน 1 คัน\nเครื่องอุปโภคบริโภค ๒ ชุด",
        },
    )
    assert response.status_code == 302
    items = case.assistance.get().items.values_list("name", "quantity", "unit")
    assert list(items) == [("รถจักรยาน", 1, "คัน"), ("เครื่องอุปโภคบริโภค", 2, "ชุด")]


def test_a_referral_added_inline_without_consent_is_refused(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    agency = AgencyFactory()
    referral = {
        "referrals-TOTAL_FORMS": 1,
        "referrals-0-agency": agency.pk,
        "referrals-0-referred_on": be(clock.today()),
        "referrals-0-reason": "ต้องการที่พัก",
        "referrals-0-basis": "consent",
    }
    response = change_post(chair_a_client, case, **referral)
    assert response.status_code == 200
    assert not Referral.objects.exists()
    consent_record(actor=chair_a, case=case, given_by="self", purpose="ส่งต่อ")
    response = change_post(chair_a_client, case, **referral)
    assert response.status_code == 302
    assert Referral.objects.get().consent is not None


def test_referral_status_is_changed_in_its_admin_through_the_service(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    referral = referral_create(
        actor=chair_a,
        case=case,
        agency=AgencyFactory(),
        reason="x",
        basis="legal_duty",
        basis_note="พ.ร.บ.",
    )
    url = reverse("admin:cases_referral_change", args=[referral.pk])
    response = chair_a_client.post(url, {"new_status": "done"})
    assert response.status_code == 200  # done is not a step from sent
    response = chair_a_client.post(url, {"new_status": "accepted", "new_outcome": "รับไว้ดูแล"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.answered_on) == (
        "accepted",
        "รับไว้ดูแล",
        clock.today(),
    )
    assert referral.events.filter(kind="referral_status").count() == 1


def test_consents_are_withdrawn_by_an_admin_action(chair_a_client, centre_a, chair_a):
    case = open_case(chair_a, centre_a)
    consent = consent_record(actor=chair_a, case=case, given_by="self", purpose="ส่งต่อ")
    response = chair_a_client.post(
        reverse("admin:cases_consent_changelist"),
        {"action": "withdraw", "_selected_action": [consent.pk]},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == clock.today()
    assert CaseEvent.objects.filter(kind="consent_withdrawn").count() == 1
    assert Consent.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Persons: national ID and the duplicate warning
# ---------------------------------------------------------------------------------------------


def person_post(centre, **fields):
    return {
        "centre": centre.pk,
        "title": "นาง",
        "first_name": "สมศรี",
        "last_name": "มีสุข",
        "birth_date": "05/07/2508",
        "sex": "female",
        "subdistrict": "100502",
        "current_same_as_registered": "on",
        **fields,
    }


def test_a_person_who_looks_already_recorded_is_warned_of_before_saving_with_a_link(
    chair_a_client, centre_a
):
    existing = PersonFactory(
        centre=centre_a,
        first_name="สมศรี",
        last_name="มีสุข",
        birth_date=dt.date(1965, 7, 5),
        national_id=None,
        no_id_reason="unknown",
    )
    # Same name and birth date, another subdistrict of the same district (Bang Khen).
    post = person_post(centre_a, national_id="", no_id_reason="stateless", subdistrict="100508")
    url = reverse("admin:cases_person_add")
    response = chair_a_client.post(url, post)
    assert response.status_code == 200
    assert Person.objects.count() == 1  # nothing saved before the user has looked
    error = response.context["adminform"].form.errors["confirm_new_person"][0]
    link = reverse("admin:cases_person_change", args=[existing.pk])
    assert link in error
    assert 'name="confirm_new_person"' in response.content.decode()
    # Confirming it is someone else saves: the warning never blocks.
    response = chair_a_client.post(url, {**post, "confirm_new_person": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2

    # Opening the existing person's page shows the look-alike too.
    new = Person.objects.exclude(pk=existing.pk).get()
    response = chair_a_client.get(reverse("admin:cases_person_change", args=[existing.pk]))
    page = response.content.decode()
    assert reverse("admin:cases_person_change", args=[new.pk]) in page


def test_no_warning_for_a_person_with_another_birth_date(chair_a_client, centre_a):
    PersonFactory(
        centre=centre_a, first_name="สมศรี", last_name="มีสุข", birth_date=dt.date(1970, 1, 1)
    )
    response = chair_a_client.post(
        reverse("admin:cases_person_add"),
        person_post(centre_a, national_id="1-1017-00230-70-8"),
        follow=True,
    )
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert Person.objects.filter(national_id="1101700230708").exists()


@pytest.mark.parametrize("national_id", ["1101700230706", "110170023070", "abc", "9101700230705"])
def test_an_invalid_national_id_is_refused_and_nothing_saved(chair_a_client, centre_a, national_id):
    response = chair_a_client.post(
        reverse("admin:cases_person_add"), person_post(centre_a, national_id=national_id)
    )
    assert response.status_code == 200
    assert "national_id" in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_a_person_needs_an_id_or_a_reason(chair_a_client, centre_a):
    response = chair_a_client.post(reverse("admin:cases_person_add"), person_post(centre_a))
    assert response.status_code == 200
    assert not Person.objects.exists()
    response = chair_a_client.post(
        reverse("admin:cases_person_add"), person_post(centre_a, no_id_reason="stateless")
    )
    assert response.status_code == 302
    assert Person.objects.get().no_id_reason == "stateless"


def test_a_second_person_with_the_same_national_id_is_refused(chair_a_client, centre_a):
    PersonFactory(centre=centre_a, national_id="1101700230708")
    response = chair_a_client.post(
        reverse("admin:cases_person_add"), person_post(centre_a, national_id="1101700230708")
    )
    assert response.status_code == 200
    assert Person.objects.count() == 1


def test_person_search_in_the_admin_finds_thai_substrings_and_ids(chair_a_client, centre_a):
    person = PersonFactory(
        centre=centre_a, first_name="บุญเรือน", last_name="แสงทอง", national_id="1101700230708"
    )
    PersonFactory(centre=CentreFactory(code="XYZ"), first_name="บุญเรือน")  # not in scope
    url = reverse("admin:cases_person_changelist")
    for term in ["เรือน", "แสง", "1-1017-00230-70-8"]:
        result = chair_a_client.get(url, {"q": term}).context["cl"].result_list
        assert list(result) == [person], term


def test_every_cases_admin_page_renders_in_thai_for_a_full_case(
    admin_client, centre_a, chair_a, django_assert_max_num_queries
):
    from cases.models import Household, HouseholdMember
    from cases.services import assistance_record, visit_record

    volunteer = RegistrationFactory(centre=centre_a).volunteer
    case = open_case(chair_a, centre_a, volunteers=[volunteer])
    visit_record(
        actor=chair_a, case=case, visited_on=clock.today(), findings="ก", volunteers=[volunteer]
    )
    assistance_record(
        actor=chair_a,
        case=case,
        kind="goods",
        given_on=clock.today(),
        items=[{"name": "รถจักรยาน", "unit": "คัน"}],
    )
    consent = consent_record(actor=chair_a, case=case, given_by="self", purpose="ส่งต่อ")
    referral = referral_create(actor=chair_a, case=case, agency=AgencyFactory(), reason="x")
    household = Household.objects.create(name="ครอบครัว", centre=centre_a)
    HouseholdMember.objects.create(household=household, person=case.person, relation="head")
    pages = [
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_add"),
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_person_changelist"),
        reverse("admin:cases_person_add"),
        reverse("admin:cases_person_change", args=[case.person_id]),
        reverse("admin:cases_household_changelist"),
        reverse("admin:cases_household_change", args=[household.pk]),
        reverse("admin:cases_agency_changelist"),
        reverse("admin:cases_referral_changelist"),
        reverse("admin:cases_referral_change", args=[referral.pk]),
        reverse("admin:cases_consent_changelist"),
        reverse("admin:cases_consent_change", args=[consent.pk]),
    ]
    for url in pages:
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="th")
        assert response.status_code == 200, url
    page = admin_client.get(pages[2]).content.decode()
    for thai in ["เปลี่ยนสถานะเป็น", "การเยี่ยมบ้าน", "รถจักรยาน 1 คัน", "รับเรื่องใหม่"]:
        assert thai in page, thai
    # The change page of a case costs the same with one visit or twenty.
    with CaptureQueriesContext(connection) as one:
        admin_client.get(pages[2])
    for _ in range(19):
        visit_record(
            actor=chair_a,
            case=case,
            visited_on=clock.today(),
            findings="ซ้ำ",
            volunteers=[volunteer],
        )
    with django_assert_max_num_queries(len(one)):
        admin_client.get(pages[2])


def test_person_list_query_count_does_not_grow_with_rows(admin_client, centre_a):
    url = reverse("admin:cases_person_changelist")
    cases_bulk(centre_a, 30)
    with CaptureQueriesContext(connection) as thirty:
        assert admin_client.get(url, {"q": "บุคคล"}).status_code == 200
    cases_bulk(centre_a, 270, start=31)
    with CaptureQueriesContext(connection) as three_hundred:
        response = admin_client.get(url, {"q": "บุคคล"})
    assert response.context["cl"].result_count == 300
    assert len(three_hundred) == len(thirty)


# ---------------------------------------------------------------------------------------------
# Bad input in the admin: refused beside the field, nothing saved, never a 500
# ---------------------------------------------------------------------------------------------


def inline_errors(response, prefix: str) -> dict:
    formset = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix
    )
    return formset.forms[-1].errors


def test_correcting_a_case_in_the_admin_records_the_values_replaced(
    chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    response = change_post(chair_a_client, case, urgency="most_urgent", new_status="assessing")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.urgency, case.status) == ("most_urgent", "assessing")
    event = case.events.get(kind="updated")
    assert event.actor == chair_a
    assert event.detail == {"changed": {"urgency": {"from": "normal", "to": "most_urgent"}}}
    # The history on the page says what was replaced.
    page = chair_a_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        line = event.change_lines()[0]
    assert "→" in line
    assert line in page.content.decode()
    # Saving the page unchanged records nothing more.
    assert change_post(chair_a_client, case, urgency="most_urgent").status_code == 302
    assert case.events.filter(kind="updated").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"risk_flags": ["other"]}, "risk_note"),
        ({"reporter_anonymous": "on", "reporter_name": "นายแจ้ง"}, "reporter_anonymous"),
        ({"problems": []}, "problems"),
    ],
)
def test_a_correction_the_intake_would_refuse_is_refused_beside_the_field(
    fields, field, chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    before = Case.objects.filter(pk=case.pk).values().get()
    response = change_post(chair_a_client, case, urgency="urgent", new_status="assessing", **fields)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Case.objects.filter(pk=case.pk).values().get() == before
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


def test_a_volunteer_of_another_centre_is_refused_beside_the_field(
    admin_client, centre_a, centre_b, chair_a
):
    case = open_case(chair_a, centre_a)
    stranger = RegistrationFactory(centre=centre_b).volunteer
    response = change_post(
        admin_client,
        case,
        **{"assignments-TOTAL_FORMS": 1, "assignments-0-volunteer": stranger.pk},
    )
    assert response.status_code == 200
    errors = inline_errors(response, "assignments")
    assert stranger.display_name in errors["volunteer"][0]
    assert not case.assignments.exists()
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


@pytest.mark.parametrize(
    "items_text",
    [
        "ข้าวสาร 99999999999 ถุง",  # past the database's integer: once a 500
        "ข้าวสาร 0 ถุง",
        "ก" * 250 + " 1 ชุด",
        "ข้าวสาร 1 " + "ถ" * 40,
    ],
)
def test_absurd_item_lines_are_refused_inline_beside_the_items(
    items_text, chair_a_client, centre_a, chair_a
):
    case = open_case(chair_a, centre_a)
    response = change_post(
        chair_a_client,
        case,
        **{
            "assistance-TOTAL_FORMS": 1,
            "assistance-0-kind": "goods",
            "assistance-0-programme": "other",
            "assistance-0-amount": "0",
            "assistance-0-given_on": be(clock.today()),
            "assistance-0-items_text": items_text,
        },
    )
    assert response.status_code == 200
    assert "items_text" in inline_errors(response, "assistance")
    assert not case.assistance.exists()


def household_post(centre, members=(), **fields):
    data = {
        "name": "ครอบครัวมีสุข",
        "centre": centre.pk,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for i, member in enumerate(members):
        data.update({f"members-{i}-{k}": v for k, v in member.items()})
    return data


def test_the_same_person_twice_in_a_household_is_refused_not_a_500(chair_a_client, centre_a):
    person = PersonFactory(centre=centre_a)
    url = reverse("admin:cases_household_add")
    members = [
        {"person": person.pk, "relation": "head"},
        {"person": person.pk, "relation": "child"},
    ]
    response = chair_a_client.post(url, household_post(centre_a, members))
    assert response.status_code == 200
    assert "person" in inline_errors(response, "members")
    assert not Household.objects.exists()
    assert not HouseholdMember.objects.exists()


@pytest.mark.parametrize(
    ("members", "fields", "prefix", "field"),
    [
        (
            [{"relation": "head", "monthly_income": "-1", "name": "นายก"}],
            {},
            "members",
            "monthly_income",
        ),
        ([{"relation": "head"}], {}, "members", "__all__"),  # neither a person nor a name
        ([], {"house_registration_code": "12345"}, None, "house_registration_code"),
        ([], {"house_registration_code": "abc"}, None, "house_registration_code"),
    ],
)
def test_bad_households_are_refused_with_nothing_saved(
    members, fields, prefix, field, chair_a_client, centre_a
):
    response = chair_a_client.post(
        reverse("admin:cases_household_add"), household_post(centre_a, members, **fields)
    )
    assert response.status_code == 200
    errors = (
        inline_errors(response, prefix) if prefix else response.context["adminform"].form.errors
    )
    assert field in errors
    assert not Household.objects.exists()
    assert not HouseholdMember.objects.exists()


def test_a_house_registration_code_is_typed_any_way_and_stored_as_11_digits(
    chair_a_client, centre_a
):
    response = chair_a_client.post(
        reverse("admin:cases_household_add"),
        household_post(centre_a, house_registration_code="๑๐๐๕-๐๑๒๓๔๕-๖"),
    )
    assert response.status_code == 302
    assert Household.objects.get().house_registration_code == "10050123456"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"birth_date": be(clock.today() + dt.timedelta(days=1))}, "birth_date"),
        ({"postcode": "abcde"}, "postcode"),
        ({"postcode": "1022"}, "postcode"),
        (
            {
                "current_same_as_registered": "",
                "current_subdistrict": "100502",
                "current_postcode": "1O220",
            },
            "current_postcode",
        ),  # a letter O for a zero
    ],
)
def test_a_person_with_a_future_birth_date_or_a_bad_postcode_is_refused(
    fields, field, chair_a_client, centre_a
):
    response = chair_a_client.post(
        reverse("admin:cases_person_add"),
        person_post(centre_a, no_id_reason="stateless", **fields),
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_a_postcode_in_thai_digits_is_stored_in_arabic_digits(chair_a_client, centre_a):
    response = chair_a_client.post(
        reverse("admin:cases_person_add"),
        person_post(centre_a, no_id_reason="stateless", postcode="๑๐๒๒๐"),
    )
    assert response.status_code == 302
    assert Person.objects.get().postcode == "10220"


def test_a_national_id_already_recorded_is_refused_with_a_link_to_the_person(
    chair_a_client, centre_a, centre_b
):
    ours = PersonFactory(centre=centre_a, national_id="1101700230708")
    theirs = PersonFactory(centre=centre_b, national_id="3100600123450")
    url = reverse("admin:cases_person_add")
    response = chair_a_client.post(url, person_post(centre_a, national_id="1-1017-00230-70-8"))
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["national_id"][0]
    assert reverse("admin:cases_person_change", args=[ours.pk]) in error
    # A person outside the user's centres is not linked (the link would answer 404).
    response = chair_a_client.post(url, person_post(centre_a, national_id=theirs.national_id))
    assert response.status_code == 200
    error = response.context["adminform"].form.errors["national_id"][0]
    assert "href" not in error
    assert theirs.display_name not in error
    assert Person.objects.count() == 2
    # Saving the existing person again is not a clash with themself.
    response = chair_a_client.post(
        reverse("admin:cases_person_change", args=[ours.pk]),
        person_post(centre_a, national_id=ours.national_id, first_name=ours.first_name),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"centre": "abc"},  # once a 500
        {"centre": "999999"},
        {"district": "zz"},
        {"province": "'; --"},
        {"fiscal_year": "abc"},
        {"centre": "²"},  # passes str.isdigit(), which int() refuses: once a 500
        {"fiscal_year": "²"},
        {"centre": "9" * 5000},  # beyond int()'s conversion limit
        {"fiscal_year": "9" * 5000},
        {"problem": "zz"},
        {"status": "zzz"},
        {"q": "%"},
    ],
)
def test_tampered_case_list_parameters_answer_a_page_not_a_500(params, admin_client, centre_a):
    cases_bulk(centre_a, 3)
    response = changelist(admin_client, **params)
    # The page, or the admin's redirect to the list with ?e=1 for a value it cannot use.
    assert response.status_code in (200, 302)
    if "centre" in params or "fiscal_year" in params:
        assert listed(response) == []


def test_the_case_list_filters_by_fiscal_year_and_centre_in_thai_digits(
    admin_client, centre_a, centre_b
):
    ours = cases_bulk(centre_a, 2, fiscal_year=2569)
    cases_bulk(centre_b, 1, fiscal_year=2570)
    response = changelist(admin_client, fiscal_year="๒๕๖๙")
    assert listed(response) == sorted(c.number for c in ours)
    thai_pk = str(centre_a.pk).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert listed(changelist(admin_client, centre=thai_pk)) == sorted(c.number for c in ours)


def test_withdrawing_consents_leaves_those_of_a_centre_the_chair_only_supervises(
    chair_a_client, centre_a, centre_b, chair_a, chair_b
):
    from tests.factories import also_supervising_the_north

    also_supervising_the_north(chair_a)
    ours = consent_record(
        actor=chair_a, case=open_case(chair_a, centre_a), given_by="self", purpose="ส่งต่อ"
    )
    theirs = consent_record(
        actor=chair_b, case=open_case(chair_b, centre_b), given_by="self", purpose="ส่งต่อ"
    )
    response = chair_a_client.post(
        reverse("admin:cases_consent_changelist"),
        {"action": "withdraw", "_selected_action": [ours.pk, theirs.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.withdrawn_on == clock.today()
    assert theirs.withdrawn_on is None


def test_a_supervisor_is_not_offered_the_withdraw_action_and_cannot_post_it(
    client, centre_b, chair_b, supervisor_north
):
    case = open_case(chair_b, centre_b)
    consent = consent_record(actor=chair_b, case=case, given_by="self", purpose="ส่งต่อ")
    client.force_login(staff(supervisor_north))
    url = reverse("admin:cases_consent_changelist")
    response = client.get(url)
    assert listed_pks(response) == [consent.pk]
    action_form = response.context.get("action_form")
    assert action_form is None or "withdraw" not in dict(action_form.fields["action"].choices)
    client.post(url, {"action": "withdraw", "_selected_action": [consent.pk]})
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def listed_pks(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


# ---------------------------------------------------------------------------------------------
# Autocomplete wherever a person, volunteer, agency or centre is chosen, within scope
# ---------------------------------------------------------------------------------------------

AUTOCOMPLETE_FIELDS = [
    # (page, model_name, field_name)
    ("case_add", "case", "centre"),
    ("case_add", "case", "person"),
    ("case_change", "caseassignment", "volunteer"),
    ("case_change", "visit", "volunteers"),
    ("case_change", "assistance", "provider_agency"),
    ("case_change", "referral", "agency"),
    ("person_add", "person", "centre"),
    ("household_add", "household", "centre"),
    ("household_add", "householdmember", "person"),
]


def test_every_person_volunteer_agency_and_centre_is_chosen_by_autocomplete_in_scope(
    chair_a_client, centre_a, centre_b, chair_a
):
    case = open_case(chair_a, centre_a)
    ours = {
        "centre": {centre_a.pk},
        "person": {case.person_id},
        "volunteer": {RegistrationFactory(centre=centre_a).volunteer.pk},
        "agency": {AgencyFactory().pk},
    }
    PersonFactory(centre=centre_b)
    RegistrationFactory(centre=centre_b)
    AgencyFactory(active=False)  # no longer a partner: not offered
    pages = {}
    for page, model_name, field_name in AUTOCOMPLETE_FIELDS:
        if page not in pages:
            args = [case.pk] if page == "case_change" else []
            response = chair_a_client.get(reverse(f"admin:cases_{page}", args=args))
            assert response.status_code == 200, page
            pages[page] = response.content.decode()
        widget = re.search(
            rf'<select[^>]*data-model-name="{model_name}"[^>]*data-field-name="{field_name}"'
            r"[^>]*>",
            pages[page],
        )
        assert widget, (model_name, field_name)
        assert "admin-autocomplete" in widget.group(0), (model_name, field_name)
        response = chair_a_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "cases", "model_name": model_name, "field_name": field_name},
        )
        assert response.status_code == 200, (model_name, field_name)
        ids = {int(r["id"]) for r in json.loads(response.content)["results"]}
        kind = field_name.rstrip("s").replace("provider_", "")
        assert ids == ours[kind], (model_name, field_name)


def test_case_list_for_a_chair_costs_the_same_with_30_or_300_cases(
    chair_a_client, centre_a, centre_b
):
    cases_bulk(centre_a, 30)
    cases_bulk(centre_b, 30)  # another centre's: not listed, not counted
    with CaptureQueriesContext(connection) as thirty:
        response = changelist(chair_a_client, q="บุคคล", urgency="urgent")
    assert response.context["cl"].result_count == 10
    cases_bulk(centre_a, 270, start=31)
    with CaptureQueriesContext(connection) as three_hundred:
        response = changelist(chair_a_client, q="บุคคล", urgency="urgent")
    assert response.context["cl"].result_count == 100
    assert len(three_hundred) == len(thirty), [q["sql"] for q in three_hundred]


def test_agencies_are_edited_in_the_admin_by_the_ministry_and_read_by_chairs(
    client, ministry_admin, chair_a
):
    agency = AgencyFactory(name_th="มูลนิธิเด็กอ่อน")
    client.force_login(staff(ministry_admin))
    response = client.post(
        reverse("admin:cases_agency_change", args=[agency.pk]),
        {"name_th": "มูลนิธิเด็กอ่อน", "type": "foundation", "phone": "02 123 4567", "active": ""},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.phone, agency.active) == ("02 123 4567", False)
    # A second agency of the same name and province is refused, not a 500.
    response = client.post(
        reverse("admin:cases_agency_add"), {"name_th": "มูลนิธิเด็กอ่อน", "type": "foundation"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Agency.objects.count() == 1

    client.force_login(staff(chair_a))
    assert client.get(reverse("admin:cases_agency_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_agency_add")).status_code == 403
    response = client.post(
        reverse("admin:cases_agency_change", args=[agency.pk]),
        {"name_th": "เปลี่ยนชื่อ", "type": "foundation"},
    )
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.name_th == "มูลนิธิเด็กอ่อน"


# ---------------------------------------------------------------------------------------------
# History cannot be erased
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def full_case(superuser, centre_a):
    """A case with an event of every kind the admin shows: visit, assistance, consent,
    referral (answered)."""
    from cases.services import assistance_record, referral_update_status, visit_record

    case = open_case(superuser, centre_a)
    case_change_status(actor=superuser, case=case, to_status="assessing")
    visit_record(actor=superuser, case=case, visited_on=clock.today(), findings="พบครอบครัว")
    assistance_record(actor=superuser, case=case, kind="money", amount=500, given_on=clock.today())
    consent = consent_record(actor=superuser, case=case, given_by="self", purpose="ส่งต่อ")
    referral = referral_create(
        actor=superuser, case=case, agency=AgencyFactory(), reason="ที่พัก", consent=consent
    )
    referral_update_status(actor=superuser, referral=referral, to_status="accepted")
    return case


def history_counts(case) -> tuple[int, ...]:
    models = (Case, CaseEvent, Referral, Consent, Visit)
    return (*(m.objects.count() for m in models), case.assistance.count())


@pytest.mark.parametrize("as_superuser", [True, False])
def test_cases_referrals_and_consents_cannot_be_deleted_in_the_admin(
    client, superuser, ministry_admin, full_case, as_superuser
):
    client.force_login(superuser if as_superuser else staff(ministry_admin))
    referral, consent = full_case.referrals.get(), full_case.consents.get()
    before = history_counts(full_case)
    for model, obj in [("case", full_case), ("referral", referral), ("consent", consent)]:
        # No delete page, no "delete selected" action, and posting the action deletes nothing.
        delete_url = reverse(f"admin:cases_{model}_delete", args=[obj.pk])
        assert client.get(delete_url).status_code == 403, model
        assert client.post(delete_url, {"post": "yes"}).status_code == 403, model
        changelist_url = reverse(f"admin:cases_{model}_changelist")
        response = client.get(changelist_url)
        action_form = response.context.get("action_form")
        actions = dict(action_form.fields["action"].choices) if action_form else {}
        assert "delete_selected" not in actions, model
        client.post(
            changelist_url,
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
    # No inline of the case page offers a delete box either.
    page = client.get(reverse("admin:cases_case_change", args=[full_case.pk]))
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.formset.can_delete, inline.formset.prefix
    assert history_counts(full_case) == before


def test_deleting_a_referral_or_a_case_cannot_erase_their_events(full_case):
    from django.db.models import ProtectedError

    referral = full_case.referrals.get()
    events = CaseEvent.objects.filter(case=full_case).count()
    assert referral.events.count() == 2  # sent, accepted
    with pytest.raises(ProtectedError):
        referral.delete()
    with pytest.raises(ProtectedError):
        full_case.delete()
    assert CaseEvent.objects.filter(case=full_case).count() == events
    assert Referral.objects.filter(pk=referral.pk).exists()
