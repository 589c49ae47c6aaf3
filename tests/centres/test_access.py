import datetime as dt

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
    case = case_open(actor=chair_a, centre=centre_a, person=PersonFactory(centre=centre_a),
                     **opening)  # fmt: skip
    assert case.centre == centre_a


def test_staff_forms_offer_only_the_centres_the_user_writes_at(centre_a, centre_b, chair_a):
    from cases.forms import IntakeForm
    from volunteers.forms import RegistrationForm

    also_supervising_the_north(chair_a)
    for form_class in (IntakeForm, RegistrationForm):
        assert list(form_class(user=chair_a).fields["centre"].queryset) == [centre_a]
