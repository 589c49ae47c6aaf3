"""The case lists and searches at national size (issue 12): keys found by equality, the same
rows as before, query counts that do not grow with the rows, estimated counts only of large
lists, and filters that stay small for a ministry's thousand centres."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import admin as cases_admin
from cases.models import Case, Consent, Household, HouseholdMember, Person, Referral
from tests import clock
from tests.cases.factories import AgencyFactory, PersonFactory, cases_bulk, open_case
from tests.cases.test_admin import staff
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db

CASES = reverse("cases:case-list")
ADMIN_CASES = reverse("admin:cases_case_changelist")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def ministry_client(client, ministry_admin):
    client.force_login(staff(ministry_admin))
    return client


@pytest.fixture
def chair_client(client, chair_a):
    client.force_login(staff(chair_a))
    return client


def numbers(response, key="object_list"):
    rows = response.context["cl"].result_list if key == "cl" else response.context[key]
    return sorted(case.number for case in rows)


def sql_of(queries) -> str:
    return "\n".join(q["sql"] for q in queries.captured_queries)


# ---------------------------------------------------------------------------------------------
# Exact keys: a whole case number and a national ID by equality on their unique indexes
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def somsri_case(superuser, centre_a):
    somsri = PersonFactory(
        centre=centre_a, first_name="สมศรี", last_name="มีสุข", national_id="1101700230708"
    )
    case = open_case(superuser, centre_a, person=somsri)
    open_case(superuser, centre_a, person=PersonFactory(centre=centre_a, first_name="ประยุทธ"))
    return case


@pytest.mark.parametrize("page", ["staff", "admin"])
def test_a_whole_case_number_in_any_case_or_thai_digits_is_found_by_the_numbers_index(
    page, ministry_client, somsri_case
):
    url, key = (CASES, "object_list") if page == "staff" else (ADMIN_CASES, "cl")
    number = somsri_case.number  # BKN-2569-0001
    for term in [number, number.lower(), number.translate(THAI_DIGITS)]:
        with CaptureQueriesContext(connection) as queries:
            response = ministry_client.get(url, {"q": term})
        assert numbers(response, key) == [number], term
        sql = sql_of(queries)
        assert f'"cases_case"."number"::text LIKE \'{number}%\'' in sql, term
        assert 'UPPER("cases_case"."number"' not in sql, term


@pytest.mark.parametrize("page", ["staff", "admin"])
def test_a_national_id_typed_any_way_is_found_by_the_persons_index(
    page, ministry_client, somsri_case
):
    url, key = (CASES, "object_list") if page == "staff" else (ADMIN_CASES, "cl")
    for term in ["1101700230708", "1-1017-00230-70-8", "๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘"]:
        with CaptureQueriesContext(connection) as queries:
            response = ministry_client.get(url, {"q": term})
        assert numbers(response, key) == [somsri_case.number], term
        sql = sql_of(queries)
        assert '"cases_person"."national_id" = \'1101700230708\'' in sql, term
        assert " LIKE " not in sql, term


def test_the_person_admin_finds_a_national_id_in_thai_digits_by_equality(
    ministry_client, somsri_case
):
    url = reverse("admin:cases_person_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = ministry_client.get(url, {"q": "๑๑๐๑๗๐๐๒๓๐๗๐๘"})
    assert [p.pk for p in response.context["cl"].result_list] == [somsri_case.person_id]
    assert " LIKE " not in sql_of(queries)


@pytest.mark.parametrize("model", ["referral", "consent"])
def test_referrals_and_consents_are_found_by_a_whole_case_number_in_thai_digits(
    model, ministry_client, superuser, centre_a, somsri_case
):
    other = Case.objects.exclude(pk=somsri_case.pk).get()
    for case in (somsri_case, other):
        consent = Consent.objects.create(
            case=case, given_by="self", purpose="ส่งต่อ", given_on=clock.today()
        )
        Referral.objects.create(
            case=case,
            agency=AgencyFactory(),
            referred_on=clock.today(),
            reason="ช่วย",
            basis="consent",
            consent=consent,
        )
    url = reverse(f"admin:cases_{model}_changelist")
    term = somsri_case.number.translate(THAI_DIGITS)
    with CaptureQueriesContext(connection) as queries:
        response = ministry_client.get(url, {"q": term})
    assert [row.case_id for row in response.context["cl"].result_list] == [somsri_case.pk]
    assert f"LIKE '{somsri_case.number}%'" in sql_of(queries)


def test_parts_of_names_and_numbers_still_find_the_same_cases(ministry_client, somsri_case):
    other = Case.objects.exclude(pk=somsri_case.pk).get()
    for term, expected in [
        ("ศรี", [somsri_case]),
        ("มีสุข", [somsri_case]),
        ("ยุทธ", [other]),
        (somsri_case.number[:7], sorted([somsri_case, other], key=lambda c: c.number)),
        ("ไม่มีใครชื่อนี้", []),
    ]:
        response = ministry_client.get(CASES, {"q": term})
        assert numbers(response) == [c.number for c in expected], term


def test_a_chair_finds_nothing_of_another_centre_by_its_case_number_or_national_id(
    chair_client, superuser, centre_b
):
    person = PersonFactory(centre=centre_b, national_id="1101700230708")
    theirs = open_case(superuser, centre_b, person=person)
    for term in [theirs.number, "1101700230708"]:
        assert numbers(chair_client.get(CASES, {"q": term})) == [], term
        assert numbers(chair_client.get(ADMIN_CASES, {"q": term}), "cl") == [], term


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with the rows (20 then 200)
# ---------------------------------------------------------------------------------------------


def _households_and_work(centre, cases):
    agency = AgencyFactory()
    for case in cases:
        consent = Consent.objects.create(
            case=case, given_by="self", purpose="ส่งต่อ", given_on=clock.today()
        )
        Referral.objects.create(
            case=case,
            agency=agency,
            referred_on=clock.today(),
            reason="ช่วย",
            basis="consent",
            consent=consent,
        )
        household = Household.objects.create(name=f"ครอบครัว{case.sequence}", centre=centre)
        HouseholdMember.objects.create(household=household, person=case.person, relation="head")


LISTS = [
    (CASES, {}),
    (CASES, {"q": "บุคคล"}),
    (CASES, {"status": "assessing", "problem": "poverty"}),
    (ADMIN_CASES, {}),
    (ADMIN_CASES, {"q": "บุคคล"}),
    (ADMIN_CASES, {"status__exact": "assessing"}),
    (reverse("admin:cases_person_changelist"), {}),
    (reverse("admin:cases_person_changelist"), {"q": "บุคคล"}),
    (reverse("admin:cases_household_changelist"), {}),
    (reverse("admin:cases_household_changelist"), {"q": "บุคคล"}),
    (reverse("admin:cases_referral_changelist"), {}),
    (reverse("admin:cases_referral_changelist"), {"q": "BKN"}),
    (reverse("admin:cases_consent_changelist"), {}),
    (reverse("admin:cases_consent_changelist"), {"q": "BKN"}),
]


@pytest.mark.parametrize("user", ["ministry_admin", "chair_a"])
def test_the_case_lists_cost_the_same_with_20_or_200_rows(
    user, request, client, centre_a, django_assert_max_num_queries
):
    client.force_login(staff(request.getfixturevalue(user)))
    _households_and_work(centre_a, cases_bulk(centre_a, 20))
    counts = {}
    for url, params in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200, (url, params)
        counts[url, tuple(params.items())] = len(queries)
    _households_and_work(centre_a, cases_bulk(centre_a, 180, start=21))
    for url, params in LISTS:
        with django_assert_max_num_queries(counts[url, tuple(params.items())]):
            response = client.get(url, params)
        assert response.status_code == 200, (url, params)


# ---------------------------------------------------------------------------------------------
# Counts: exact for small lists, PostgreSQL's estimate ("about") for large ones
# ---------------------------------------------------------------------------------------------


def test_a_small_searched_list_is_counted_exactly(ministry_client, centre_a):
    cases_bulk(centre_a, 12)
    response = ministry_client.get(CASES, {"q": "บุคคลBKN1"})
    assert response.context["paginator"].count == 4  # บุคคลBKN1, 10, 11, 12
    assert not response.context["paginator"].estimated
    page = response.content.decode()
    assert '<p class="muted">4 กรณี</p>' in page


def test_a_list_expected_to_be_large_shows_the_estimate_as_about(
    ministry_client, centre_a, settings
):
    settings.LIST_ESTIMATED_COUNT_FROM = 5
    cases_bulk(centre_a, 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    with CaptureQueriesContext(connection) as queries:
        response = ministry_client.get(CASES, {"status": "assessing"})
    assert response.context["paginator"].estimated
    assert response.context["paginator"].count > 5
    count = response.context["paginator"].count
    assert f'<p class="muted">ประมาณ {count} กรณี</p>' in response.content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 26" in counts[0]
    assert len(response.context["object_list"]) == 25


def test_a_search_expected_to_be_large_that_fits_a_page_is_counted_exactly(
    ministry_client, centre_a, settings
):
    settings.LIST_ESTIMATED_COUNT_FROM = 5
    cases_bulk(centre_a, 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    Case.objects.filter(sequence__gt=3).update(status="monitoring")  # the estimate: 30 assessing
    response = ministry_client.get(CASES, {"status": "assessing"})
    assert not response.context["paginator"].estimated
    assert response.context["paginator"].count == 3
    assert '<p class="muted">3 กรณี</p>' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Pages past the first: the same rows as a plain slice
# ---------------------------------------------------------------------------------------------


def test_the_admin_pages_past_the_first_list_the_next_cases_in_order(ministry_client, centre_a):
    cases_bulk(centre_a, 130)
    Case.objects.filter(sequence__lte=40).update(opened_on=clock.today() - dt.timedelta(days=90))
    ordered = [c.pk for c in Case.objects.order_by("-opened_on", "-pk")]
    for page, rows in [(1, ordered[:50]), (2, ordered[50:100]), (3, ordered[100:])]:
        response = ministry_client.get(ADMIN_CASES, {"p": page})
        assert [c.pk for c in response.context["cl"].result_list] == rows, page


def test_the_second_staff_page_lists_the_next_cases_in_order(ministry_client, centre_a):
    cases_bulk(centre_a, 40)
    response = ministry_client.get(CASES, {"page": 2})
    expected = Case.objects.order_by("-opened_on", "-pk")[25:40]
    assert [c.pk for c in response.context["object_list"]] == [c.pk for c in expected]


# ---------------------------------------------------------------------------------------------
# Persons: the chair's list holds what visible_to gives
# ---------------------------------------------------------------------------------------------


def test_a_chairs_person_list_holds_their_centres_persons_and_those_with_a_case_there(
    chair_client, chair_a, superuser, centre_a, centre_b
):
    own = PersonFactory(centre=centre_a, first_name="ของเรา")
    helped_here = PersonFactory(centre=centre_b, first_name="มาขอความช่วยเหลือ")
    open_case(superuser, centre_a, person=helped_here)
    PersonFactory(centre=centre_b, first_name="ของศูนย์อื่น")
    url = reverse("admin:cases_person_changelist")
    listed = {p.pk for p in chair_client.get(url).context["cl"].result_list}
    assert listed == {own.pk, helped_here.pk}
    assert listed == set(Person.objects.visible_to(chair_a).values_list("pk", flat=True))
    searched = chair_client.get(url, {"q": "ของ"}).context["cl"].result_list
    assert [p.pk for p in searched] == [own.pk]


def test_a_searched_person_list_keeps_the_name_order(ministry_client, centre_a):
    for first, last in [("สมหญิง", "ข"), ("สมหญิง", "ก"), ("กมลสมหญิง", "ค")]:
        PersonFactory(centre=centre_a, first_name=first, last_name=last)
    url = reverse("admin:cases_person_changelist")
    searched = ministry_client.get(url, {"q": "สมหญิง"}).context["cl"].result_list
    expected = Person.objects.filter(first_name__icontains="สมหญิง").order_by(
        "first_name", "last_name", "-pk"
    )
    assert [p.pk for p in searched] == [p.pk for p in expected]


def test_the_intake_person_search_finds_a_chairs_persons_in_name_order(
    chair_client, superuser, centre_a, centre_b
):
    second = PersonFactory(centre=centre_a, first_name="สมหญิง", last_name="ข")
    first = PersonFactory(centre=centre_a, first_name="สมหญิง", last_name="ก")
    PersonFactory(centre=centre_b, first_name="สมหญิง", last_name="ค")  # another centre's
    response = chair_client.get(reverse("cases:case-create"), {"person_q": "หญิง"})
    assert [p.pk for p in response.context["found"]] == [first.pk, second.pk]


# ---------------------------------------------------------------------------------------------
# Filters: typed when long, fiscal years with cases
# ---------------------------------------------------------------------------------------------


def test_a_long_centre_list_is_a_typed_code_and_filters_by_it(
    ministry_client, superuser, centre_a, centre_b, monkeypatch
):
    monkeypatch.setattr(cases_admin, "LISTED_CHOICES_UP_TO", 1)
    case_a = open_case(superuser, centre_a)
    open_case(superuser, centre_b)
    page = ministry_client.get(ADMIN_CASES, {"status__exact": "new"}).content.decode()
    assert 'name="centre"' in page
    assert 'type="text"' in page
    assert 'type="hidden" name="status__exact" value="new"' in page
    assert f"?centre={centre_a.pk}" not in page  # no link per centre
    for value in [centre_a.code, centre_a.code.lower(), str(centre_a.pk)]:
        response = ministry_client.get(ADMIN_CASES, {"centre": value})
        assert numbers(response, "cl") == [case_a.number], value
    assert numbers(ministry_client.get(ADMIN_CASES, {"centre": "NOSUCH"}), "cl") == []
    response = ministry_client.get(ADMIN_CASES, {"district": "๑๐๐๕"})  # Thai digits
    assert numbers(response, "cl") == [case_a.number]


def test_a_short_centre_list_stays_links(chair_client, superuser, centre_a):
    open_case(superuser, centre_a)
    page = chair_client.get(ADMIN_CASES).content.decode()
    assert f"?centre={centre_a.pk}" in page


def test_the_fiscal_year_filter_lists_the_years_with_cases_in_scope_newest_first(
    chair_client, centre_a, centre_b
):
    cases_bulk(centre_a, 2, fiscal_year=2566)
    cases_bulk(centre_a, 2, fiscal_year=2568, start=10)
    cases_bulk(centre_b, 2, fiscal_year=2569, start=20)  # not the chair's
    response = chair_client.get(ADMIN_CASES)
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", "") == "fiscal_year"
    )
    assert spec.lookup_choices == [(2568, "2568"), (2566, "2566")]
    assert cases_admin.fiscal_years_of(Case.objects.none()) == []


def test_a_centre_without_cases_is_left_out_of_the_place_filters(chair_client, superuser, centre_a):
    CentreFactory(code="EMPTY", parent=centre_a, district_id="5001")
    open_case(superuser, centre_a)
    response = chair_client.get(ADMIN_CASES)
    spec = next(
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", "") == "district"
    )
    assert [code for code, _name in spec.lookup_choices] == ["1005"]


@pytest.mark.parametrize("model", [Referral, Consent])
def test_a_chairs_referral_and_consent_lists_hold_those_of_their_centres_cases(
    model, chair_client, chair_a, superuser, centre_a, centre_b
):
    ours = cases_bulk(centre_a, 3)
    theirs = cases_bulk(centre_b, 2, start=50)
    _households_and_work(centre_a, ours)
    _households_and_work(centre_b, theirs)
    url = reverse(f"admin:cases_{model._meta.model_name}_changelist")
    listed = [row.pk for row in chair_client.get(url).context["cl"].result_list]
    expected = model.objects.visible_to(chair_a).order_by(*model._meta.ordering, "-pk")
    assert listed == [row.pk for row in expected]
    assert {row.case_id for row in model.objects.filter(pk__in=listed)} == {c.pk for c in ours}
