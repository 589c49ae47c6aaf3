"""A staff user given only the view permission reads people in the admin: the person forms'
shared mixin must not assume the fields it tunes are on the form (read-only, they are not)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.cases.factories import PersonFactory
from tests.factories import RegistrationFactory, StaffAssignmentFactory, UserFactory


@pytest.fixture
def viewer(centre_a):
    """Staff at centre A with the view permission of persons and volunteers, nothing else."""
    user = UserFactory(username="viewer-a", is_staff=True)
    StaffAssignmentFactory(user=user, role="staff", centre=centre_a)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_person", "view_volunteer"])
    )
    return user


def test_view_only_staff_opens_a_person_of_their_centre_in_the_admin(client, viewer, centre_a):
    person = PersonFactory(centre=centre_a, phone="0812345678")
    client.force_login(viewer)
    response = client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.first_name in page
    assert 'name="national_id"' not in page  # shown, not offered for editing


def test_view_only_staff_opens_a_volunteer_of_their_centre_in_the_admin(client, viewer, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    client.force_login(viewer)
    response = client.get(reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert volunteer.first_name in page
    assert 'name="national_id"' not in page
