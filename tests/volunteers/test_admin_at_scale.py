"""The volunteer admin at national size: lists whose queries do not grow with their rows, exact
searches of whole registration numbers, the centre filter that waits for a region or a province,
and an organisation's page that stays the same size whatever its number of members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centres.models import Province
from centres.roles import roles_sync
from tests.factories import (
    CentreFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    StaffAssignmentFactory,
    UserFactory,
    VolunteerFactory,
)
from volunteers.admin import MEMBERS_ON_PAGE
from volunteers.admin_filters import CENTRE_CHOICES_MAX
from volunteers.models import Membership, Registration
from volunteers.models import registrations as volunteer_models

pytestmark = pytest.mark.django_db

REGISTRATIONS = "admin:volunteers_registration_changelist"
MEMBERSHIPS = "admin:volunteers_membership_changelist"


@pytest.fixture
def ministry_admin_user(db):
    user = UserFactory(username="ministry-scale")
    StaffAssignmentFactory(user=user, role="ministry_admin", centre=None)
    roles_sync(user)
    user.refresh_from_db()
    return user


@pytest.fixture
def chair_user(chair_a):
    roles_sync(chair_a)
    chair_a.refresh_from_db()
    return chair_a


def listed(response):
    return list(response.context["cl"].result_list)


def _grows(client, url, make_more, django_assert_max_num_queries, expect_first, expect_then):
    with CaptureQueriesContext(connection) as first:
        assert len(listed(client.get(url))) == expect_first
    make_more()
    with django_assert_max_num_queries(len(first)):
        assert len(listed(client.get(url))) == expect_then
    return len(first)


@pytest.mark.parametrize("who", ["ministry_admin_user", "chair_user"])
def test_the_registration_list_query_count_does_not_grow_from_20_to_200(
    client, centre_a, who, request, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    RegistrationFactory.create_batch(20, centre=centre_a)
    url = reverse(REGISTRATIONS) + "?all="
    queries = _grows(
        client,
        url,
        lambda: RegistrationFactory.create_batch(180, centre=centre_a),
        django_assert_max_num_queries,
        20,
        200,
    )
    assert queries <= 12


@pytest.mark.parametrize("who", ["ministry_admin_user", "chair_user"])
def test_the_membership_list_query_count_does_not_grow_from_20_to_200(
    client, centre_a, who, request, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    organisation = OrganisationFactory()

    def members(n):
        for registration in RegistrationFactory.create_batch(n, centre=centre_a):
            MembershipFactory(volunteer=registration.volunteer, organisation=organisation)

    members(20)
    url = reverse(MEMBERSHIPS) + f"?organisation__id__exact={organisation.pk}&all="
    queries = _grows(client, url, lambda: members(180), django_assert_max_num_queries, 20, 200)
    assert queries <= 12


# -- exact searches ------------------------------------------------------------------------------


@pytest.fixture
def numbered(centre_a):
    wanted = RegistrationFactory(centre=centre_a, number="0012/2562")
    # Numbers that contain it: a substring search found them too.
    RegistrationFactory(centre=centre_a, number="1012/2562")
    RegistrationFactory(centre=centre_a, number="0012/2563")
    return wanted


@pytest.mark.parametrize("typed", ["0012/2562", "12/2562", "๐๐๑๒/๒๕๖๒", "๑๒ / ๒๕๖๒"])
def test_a_whole_registration_number_finds_that_registration_alone_however_typed(
    client, superuser, numbered, typed
):
    client.force_login(superuser)
    assert listed(client.get(reverse(REGISTRATIONS), {"q": typed})) == [numbered]


def test_a_whole_registration_number_is_looked_up_by_equality():
    sql = str(Registration.objects.search("๑๒/๒๕๖๒").query)
    assert "0012/2562" in sql
    assert "LIKE" not in sql.upper()


def test_part_of_a_number_and_names_still_find_registrations(client, superuser, centre_a):
    somsri = RegistrationFactory(
        centre=centre_a,
        number="0031/2561",
        volunteer__first_name="สมศรี",
        volunteer__last_name="มีสุข",
    )
    other = RegistrationFactory(centre=centre_a, number="0032/2561")
    client.force_login(superuser)

    def found(term):
        return set(listed(client.get(reverse(REGISTRATIONS), {"q": term})))

    assert found("0031") == {somsri}
    assert found("2561") == {somsri, other}
    assert found("ศรี") == {somsri}
    assert found("สมศรี มีสุข") == {somsri}
    assert found("สมศรี 0032") == set()


def test_a_name_matching_more_volunteers_than_are_read_as_a_list_finds_the_same(
    client, superuser, centre_a, monkeypatch
):
    # A name's volunteers are read as a list of ids up to NAME_MATCHES_READ, a subquery past it.
    somchai = [
        RegistrationFactory(centre=centre_a, volunteer__first_name=f"สมชาย{n}") for n in range(3)
    ]
    RegistrationFactory(centre=centre_a, volunteer__first_name="วิไล")
    client.force_login(superuser)
    as_list = set(listed(client.get(reverse(REGISTRATIONS), {"q": "สมชาย"})))
    monkeypatch.setattr(volunteer_models, "NAME_MATCHES_READ", 2)
    assert "ANY(ARRAY(" in str(Registration.objects.search("สมชาย").query)
    as_subquery = set(listed(client.get(reverse(REGISTRATIONS), {"q": "สมชาย"})))
    assert as_list == as_subquery == set(somchai)


def test_the_staff_list_finds_a_registration_number_typed_in_thai_digits(client, chair_a, numbered):
    client.force_login(chair_a)
    page = client.get(reverse("volunteers:volunteer-list"), {"q": "๑๒/๒๕๖๒"})
    assert list(page.context["object_list"]) == [numbered.volunteer]


# -- the centre filter ---------------------------------------------------------------------------


def test_the_centre_filter_lists_centres_once_a_province_narrows_them(
    client, ministry_admin_user, centre_a
):
    province = Province.objects.exclude(pk=centre_a.province_id).first()
    CentreFactory.create_batch(CENTRE_CHOICES_MAX, province=province)
    client.force_login(ministry_admin_user)
    url = reverse("admin:volunteers_volunteer_changelist")
    page = client.get(url).content.decode()
    assert "เลือกภาคหรือจังหวัดก่อน" in page
    assert f"centre={centre_a.pk}" not in page
    narrowed = client.get(url, {"province": centre_a.province_id}).content.decode()
    assert f"centre={centre_a.pk}" in narrowed
    assert "เลือกภาคหรือจังหวัดก่อน" not in narrowed


# -- an organisation's page ----------------------------------------------------------------------


def _members(organisation, centre, n):
    for registration in RegistrationFactory.create_batch(n, centre=centre):
        MembershipFactory(volunteer=registration.volunteer, organisation=organisation)


def test_an_organisation_page_is_the_same_size_whatever_its_members(
    client, ministry_admin_user, centre_a, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    _members(organisation, centre_a, MEMBERS_ON_PAGE + 5)
    client.force_login(ministry_admin_user)
    url = reverse("admin:volunteers_organisation_change", args=[organisation.pk])
    with CaptureQueriesContext(connection) as first:
        small = client.get(url)
    _members(organisation, centre_a, 100)
    with django_assert_max_num_queries(len(first)):
        big = client.get(url)
    assert big.status_code == 200
    listed_rows = big.context["inline_admin_formsets"][0].formset.forms
    assert len(listed_rows) == MEMBERS_ON_PAGE
    content = big.content.decode()
    assert f"?organisation__id__exact={organisation.pk}" in content
    assert "125" in content  # the number of members beside the link
    assert len(big.content) < len(small.content) * 1.2


def test_an_organisation_pages_queries_do_not_grow_with_the_members_it_lists(
    client, ministry_admin_user, centre_a, django_assert_max_num_queries
):
    # Below the page's 20 rows, where a query a listed row would show (above it, the rows
    # listed stay 20 whatever the members).
    organisation = OrganisationFactory()
    _members(organisation, centre_a, 2)
    client.force_login(ministry_admin_user)
    url = reverse("admin:volunteers_organisation_change", args=[organisation.pk])
    client.get(url)  # the content types, read once a process
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _members(organisation, centre_a, MEMBERS_ON_PAGE - 4)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == MEMBERS_ON_PAGE - 2


def test_a_ministry_admin_adds_and_removes_members_on_the_organisation_page(
    client, ministry_admin_user, centre_a
):
    organisation = OrganisationFactory()
    leaving = MembershipFactory(organisation=organisation)
    RegistrationFactory(volunteer=leaving.volunteer, centre=centre_a)
    joining = VolunteerFactory()
    RegistrationFactory(volunteer=joining, centre=centre_a)
    client.force_login(ministry_admin_user)
    url = reverse("admin:volunteers_organisation_change", args=[organisation.pk])
    data = {
        "name": organisation.name,
        "name_en": "",
        "kind": organisation.kind,
        "country": "TH",
        "contact_person": "",
        "phone": "",
        "email": "",
        "website": "",
        "latest_members-TOTAL_FORMS": "1",
        "latest_members-INITIAL_FORMS": "1",
        "latest_members-MIN_NUM_FORMS": "0",
        "latest_members-MAX_NUM_FORMS": "1000",
        "latest_members-0-id": str(leaving.pk),
        "latest_members-0-organisation": str(organisation.pk),
        "latest_members-0-role": "",
        "latest_members-0-since": "01/01/2561",
        "latest_members-0-until": "",
        "latest_members-0-DELETE": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-volunteer": str(joining.pk),
        "memberships-0-organisation": str(organisation.pk),
        "memberships-0-role": "ประธาน",
        "memberships-0-since": "",
        "memberships-0-until": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"]
    ]
    assert list(
        Membership.objects.filter(organisation=organisation).values_list("volunteer", "role")
    ) == [(joining.pk, "ประธาน")]


def test_a_chair_reads_only_their_volunteers_memberships_of_an_organisation(
    client, chair_user, centre_a, centre_b
):
    organisation = OrganisationFactory()
    _members(organisation, centre_a, 2)
    _members(organisation, centre_b, 3)
    client.force_login(chair_user)
    page = client.get(reverse("admin:volunteers_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    assert len(page.context["inline_admin_formsets"][0].formset.forms) == 2
    members = client.get(reverse(MEMBERSHIPS), {"organisation__id__exact": organisation.pk})
    assert len(listed(members)) == 2
