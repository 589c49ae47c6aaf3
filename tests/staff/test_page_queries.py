"""The case-record pages and their forms cost a fixed number of queries: not more with a
case's visits and events, a person's cases and corrections, or a ministry's 250,000
volunteers (issue 12)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Household, HouseholdMember, Person
from cases.services import (
    assistance_record,
    case_open,
    consent_record,
    household_update,
    person_update,
    visit_record,
)
from tests import clock
from tests.factories import RegistrationFactory

WRITERS = ["chair_a", "ministry_admin"]


def open_case_for(person, chair, centre):
    return case_open(
        actor=chair,
        centre=centre,
        person=person,
        intake_channel="walk_in",
        reporter_type="self",
        problems=["poverty"],
        opened_on=clock.today() - dt.timedelta(days=40),
    )


def queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def add_work(case, chair, volunteer, n: int) -> None:
    """``n`` visits (each with a volunteer), pieces of assistance and consents on ``case``."""
    for i in range(n):
        visit_record(
            actor=chair,
            case=case,
            visited_on=clock.today() - dt.timedelta(days=i),
            findings=f"ครั้งที่ {i}",
            volunteers=[volunteer],
        )
        assistance_record(
            actor=chair,
            case=case,
            kind="money",
            programme="low_income_grant",
            amount=500,
            given_on=clock.today() - dt.timedelta(days=i),
        )
        consent_record(actor=chair, case=case, given_by="self", purpose=f"ส่งต่อ {i}")


@pytest.mark.parametrize("user", WRITERS)
def test_the_case_page_costs_the_same_with_1_or_10_visits_and_their_events(
    request, client, chair_a, centre_a, user
):
    client.force_login(request.getfixturevalue(user))
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    person = Person.objects.create(first_name="ผู้ประสบ", centre=centre_a, no_id_reason="unknown")
    case = open_case_for(person, chair_a, centre_a)
    add_work(case, chair_a, volunteer, 1)
    url = reverse("cases:case-detail", args=[case.pk])
    few = queries(client, url)
    add_work(case, chair_a, volunteer, 9)
    assert len(queries(client, url)) == len(few) <= 15


@pytest.mark.parametrize("user", WRITERS)
def test_the_person_page_costs_the_same_with_1_or_4_cases_and_corrections(
    request, client, chair_a, centre_a, user
):
    client.force_login(request.getfixturevalue(user))
    person = Person.objects.create(first_name="ผู้ประสบ", centre=centre_a, no_id_reason="unknown")
    household = Household.objects.create(name="บ้านทดสอบ", centre=centre_a)
    HouseholdMember.objects.create(household=household, person=person, relation="head")
    open_case_for(person, chair_a, centre_a)
    person_update(actor=chair_a, person=person, phone="0812345678")
    url = reverse("cases:person-detail", args=[person.pk])
    few = queries(client, url)
    for n in range(3):
        open_case_for(person, chair_a, centre_a)
        person_update(actor=chair_a, person=person, note=f"แก้ {n}", last_name=f"สกุล{n}")
        household_update(actor=chair_a, household=household, note=f"แก้ {n}", name=f"บ้าน {n}")
    many = queries(client, url)
    assert len(many) == len(few) <= 12
    page = client.get(url).content.decode()
    assert "สกุล2" in page  # the corrections are listed


@pytest.mark.parametrize("user", WRITERS)
def test_the_intake_form_costs_seven_queries_and_lists_no_address_before_a_province(
    request, client, centre_a, user
):
    client.force_login(request.getfixturevalue(user))
    for _n in range(3):
        RegistrationFactory(centre=centre_a)
    sql = queries(client, reverse("cases:case-create"))
    assert len(sql) <= 7  # with the list of centres, for a user of a few
    # One province list for both addresses; no district or subdistrict list yet.
    assert sum('FROM "centres_province"' in q for q in sql) == 1
    assert not any('FROM "centres_district"' in q or 'FROM "centres_subdistrict"' in q for q in sql)
    # The volunteers' list takes any 101 of them before sorting: never the whole set sorted.
    volunteers = [q for q in sql if 'FROM "volunteers_volunteer"' in q]
    assert len(volunteers) == 1
    assert "LIMIT 101" in volunteers[0]


def test_the_person_edit_form_reads_each_address_list_once(client, chair_a, centre_a):
    from centres.models import Subdistrict

    sub = Subdistrict.objects.order_by("pk").first()
    person = Person.objects.create(
        first_name="ผู้ประสบ",
        centre=centre_a,
        no_id_reason="unknown",
        subdistrict=sub,
        current_same_as_registered=False,
        current_subdistrict=sub,
    )
    open_case_for(person, chair_a, centre_a)
    client.force_login(chair_a)
    sql = queries(client, reverse("cases:person-edit", args=[person.pk]))
    for table in ("centres_province", "centres_district", "centres_subdistrict"):
        assert sum(f'FROM "{table}"' in q for q in sql) == 1, table
    assert not any(q.startswith("DECLARE") for q in sql)  # no server-side cursor
    assert len(sql) <= 9


@pytest.mark.parametrize(
    "name",
    [
        "visit-create",
        "assistance-create",
        "referral-create",
        "case-status",
        "case-assign",
        "case-edit",
        "case-unassign",
        "transfer-create",
    ],
)
def test_each_case_form_costs_the_same_with_1_or_10_visits(client, chair_a, centre_a, name):
    client.force_login(chair_a)
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    person = Person.objects.create(first_name="ผู้ประสบ", centre=centre_a, no_id_reason="unknown")
    case = open_case_for(person, chair_a, centre_a)
    add_work(case, chair_a, volunteer, 1)
    url = reverse(f"cases:{name}", args=[case.pk])
    few = queries(client, url)
    add_work(case, chair_a, volunteer, 9)
    assert len(queries(client, url)) == len(few) <= 8
