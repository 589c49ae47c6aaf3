import datetime as dt

from django.contrib.auth.models import Permission

from centres.access import scope_for
from centres.models import Centre
from tests.factories import (
    CentreFactory,
    StaffAssignmentFactory,
    UserFactory,
    also_supervising_the_north,
)


def test_chair_sees_own_centre_and_the_centres_under_it(centre_a, centre_b, chair_a):
    community = CentreFactory(code="BKN-1", parent=centre_a, level=Centre.Level.SUBDISTRICT)
    assert set(Centre.objects.visible_to(chair_a)) == {centre_a, community}


def test_supervisor_of_a_region_sees_the_centres_located_there(
    centre_a, centre_b, supervisor_north
):
    assert list(Centre.objects.visible_to(supervisor_north)) == [centre_b]
    assert not scope_for(supervisor_north).can_write


def test_national_assignment_covers_the_whole_tree(national_centre, centre_a, centre_b):
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="supervisor", centre=national_centre)
    assert Centre.objects.visible_to(user).count() == 3


def test_ministry_admin_sees_all(centre_a, centre_b, ministry_admin):
    assert Centre.objects.visible_to(ministry_admin).count() == 3


def test_user_without_assignment_sees_nothing(centre_a, django_user_model):
    user = UserFactory()
    assert not Centre.objects.visible_to(user).exists()


def test_anonymous_user_sees_nothing(centre_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Centre.objects.visible_to(AnonymousUser()).exists()


def test_ended_assignment_grants_nothing(centre_a):
    user = UserFactory()
    StaffAssignmentFactory(
        user=user, centre=centre_a, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 1, 1)
    )
    assert not Centre.objects.visible_to(user).exists()


def test_scope_costs_one_query_per_user_object(centre_a, chair_a, django_assert_num_queries):
    # One query finds the assignments, then one per list.
    with django_assert_num_queries(3):
        list(Centre.objects.visible_to(chair_a))
        list(Centre.objects.visible_to(chair_a))


def test_chair_who_also_supervises_a_region_writes_only_at_their_own_centre(
    centre_a, centre_b, chair_a
):
    import pytest
    from django.core.exceptions import PermissionDenied

    from cases.services import case_open
    from tests.cases.factories import PersonFactory

    also_supervising_the_north(chair_a)
    assert set(Centre.objects.visible_to(chair_a)) == {centre_a, centre_b}
    assert list(Centre.objects.writable_by(chair_a)) == [centre_a]
    opening = {"intake_channel": "walk_in", "reporter_type": "self", "problems": ["poverty"]}
    with pytest.raises(PermissionDenied):
        case_open(actor=chair_a, centre=centre_b, person=PersonFactory(centre=centre_b), **opening)
    case = case_open(
        actor=chair_a, centre=centre_a, person=PersonFactory(centre=centre_a), **opening
    )
    assert case.centre == centre_a


def test_staff_forms_offer_only_the_centres_the_user_writes_at(centre_a, centre_b, chair_a):
    from cases.forms import IntakeForm
    from volunteers.forms import RegistrationForm

    also_supervising_the_north(chair_a)
    for form_class in (IntakeForm, RegistrationForm):
        assert list(form_class(user=chair_a).fields["centre"].queryset) == [centre_a]


def test_the_write_roles_are_the_roles_of_the_model_that_are_not_supervisors():
    from centres.access import WRITE_ROLES
    from centres.models import StaffAssignment

    assert set(StaffAssignment.Role.values) - {"supervisor"} == WRITE_ROLES


def _scoped_models():
    from django.apps import apps

    from centres.access import ScopedQuerySet

    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
    ]


def test_every_centre_owned_model_has_one_scoped_queryset_base():
    names = {model.__name__ for model in _scoped_models()}
    expected = {
        "Centre",
        "Volunteer",
        "Registration",
        "Person",
        "Case",
        "Visit",
        "Consent",
        "Household",
        "HouseholdMember",
        "AssistanceItem",
        "VolunteerImport",
    }
    assert expected <= names


def test_a_supervisor_writes_no_row_of_any_scoped_model(centre_a, centre_b, supervisor_north):
    for model in _scoped_models():
        assert not model._default_manager.writable_by(supervisor_north).exists(), model


def test_a_mixed_user_reads_the_region_and_writes_only_their_own_centres_cases(
    centre_a, centre_b, chair_a
):
    from cases.models import Case
    from tests.cases.factories import cases_bulk

    (mine,), (theirs,) = cases_bulk(centre_a, 1), cases_bulk(centre_b, 1)
    also_supervising_the_north(chair_a)
    assert set(Case.objects.visible_to(chair_a)) == {mine, theirs}
    assert list(Case.objects.writable_by(chair_a)) == [mine]


def test_shared_reference_data_is_pointed_at_by_writers_only(centre_a, chair_a, supervisor_north):
    from cases.models import Agency
    from tests.cases.factories import AgencyFactory

    agency = AgencyFactory()
    assert list(Agency.objects.writable_by(chair_a)) == [agency]
    assert list(Agency.objects.visible_to(supervisor_north)) == [agency]
    assert not Agency.objects.writable_by(supervisor_north).exists()


def test_a_chair_who_also_supervises_opens_their_own_import_record_in_the_admin(
    client, centre_a, chair_a
):
    from django.urls import reverse

    from volunteers.models import VolunteerImport

    chair_a.is_staff = True
    chair_a.save()
    also_supervising_the_north(chair_a)
    chair_a.user_permissions.add(*Permission.objects.filter(content_type__app_label="volunteers"))
    run = VolunteerImport.objects.create(created_by=chair_a, file_name="registry.csv")
    VolunteerImport.objects.create(created_by=UserFactory(), file_name="other.csv")
    assert list(VolunteerImport.objects.writable_by(chair_a)) == [run]
    client.force_login(chair_a)
    response = client.get(reverse("admin:volunteers_volunteerimport_change", args=[run.pk]))
    assert response.status_code == 200


def test_the_subtree_is_resolved_once_and_each_query_carries_its_ids(centre_a, centre_b, chair_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case

    community = CentreFactory(code="BKN-1", parent=centre_a, level=Centre.Level.SUBDISTRICT)
    street = CentreFactory(code="BKN-1-1", parent=community, level=Centre.Level.SUBDISTRICT)
    with CaptureQueriesContext(connection) as queries:
        assert set(Centre.objects.visible_to(chair_a)) == {centre_a, community, street}
        Case.objects.visible_to(chair_a).count()
    first, *later = (q["sql"] for q in queries.captured_queries)
    assert "RECURSIVE" in first
    assert len(later) == 2
    # The lists and counts filter on the ids themselves, which PostgreSQL plans on.
    assert not any("RECURSIVE" in sql for sql in later)
    assert scope_for(chair_a).subtree_ids == tuple(sorted([centre_a.pk, community.pk, street.pk]))
    assert scope_for(chair_a).writable.subtree_ids == scope_for(chair_a).subtree_ids


def test_a_mixed_users_writable_subtree_leaves_out_the_supervised_region(
    centre_a, centre_b, chair_a
):
    also_supervising_the_north(chair_a)
    below_b = CentreFactory(code="CMI-1", parent=centre_b, level=Centre.Level.SUBDISTRICT)
    StaffAssignmentFactory(user=chair_a, role="supervisor", centre=centre_b)
    chair_a._vc_scope = None
    scope = scope_for(chair_a)
    assert set(scope.subtree_ids) == {centre_a.pk, centre_b.pk, below_b.pk}
    assert scope.write_subtree_ids == (centre_a.pk,)
    assert list(Centre.objects.writable_by(chair_a)) == [centre_a]
