"""Roles as data: the groups of the roles, kept by the reference loader, and each user's groups
and staff status following their current staff assignments."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from centres.demo import DEMO_PASSWORD, demo_users_load
from centres.models import StaffAssignment
from centres.roles import (
    GROUP_NAMES,
    PERMISSIONS,
    groups_load,
    roles_sync,
    staff_assignment_create,
    staff_assignment_end,
)
from tests import clock
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(group_or_user) -> set[str]:
    permissions = group_or_user.permissions.all()
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def role_groups_of(user) -> set[str]:
    return set(user.groups.filter(name__in=GROUP_NAMES.values()).values_list("name", flat=True))


def defined(role) -> set[str]:
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in PERMISSIONS[role].items()
        for action in actions
    }


# -- the groups ------------------------------------------------------------------------------


def test_the_reference_loader_creates_one_group_per_role_with_its_permissions(reference_centres):
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "role groups" in out.getvalue()
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUP_NAMES.values())
    chair = Group.objects.get(name="role:chair")
    assert codes(chair) == defined("chair")
    assert "volunteers.change_volunteer" in codes(chair)
    assert "cases.delete_case" not in codes(chair)
    assert "auth.add_user" not in codes(chair)
    supervisor = Group.objects.get(name="role:supervisor")
    assert all(code.split(".")[1].startswith("view_") for code in codes(supervisor))
    ministry = Group.objects.get(name="role:ministry_admin")
    assert {"auth.add_user", "auth.change_user", "centres.add_staffassignment"} <= codes(ministry)


def test_a_reload_sets_each_groups_permissions_back_to_the_defined_set(db):
    groups_load()
    chair = Group.objects.get(name="role:chair")
    chair.permissions.add(Permission.objects.get(codename="delete_case"))
    chair.permissions.remove(Permission.objects.get(codename="view_volunteer"))
    Group.objects.get(name="role:staff").permissions.clear()
    groups_load()
    groups_load()
    assert Group.objects.filter(name__in=GROUP_NAMES.values()).count() == 4
    for role, name in GROUP_NAMES.items():
        assert codes(Group.objects.get(name=name)) == defined(role), role


def test_every_admin_model_is_in_the_table_and_centre_records_are_read_by_every_role(db):
    """A model added to the admin without a line in PERMISSIONS would be offered to nobody but
    a superuser; a centre-owned one (ScopedAdminMixin) must be readable by every role."""
    from django.contrib import admin

    from centres.admin import ScopedAdminMixin

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        assert "view" in PERMISSIONS["ministry_admin"].get(label, ()), label
        if isinstance(model_admin, ScopedAdminMixin):
            for role in ("supervisor", "chair", "staff"):
                assert "view" in PERMISSIONS[role].get(label, ()), (role, label)


def test_the_histories_written_by_the_services_are_read_only_for_every_role(db):
    for label in ("cases.casetransfer", "volunteers.registrationstatuschange"):
        for role in GROUP_NAMES:
            assert PERMISSIONS[role][label] == ("view",), (role, label)


# -- each user's groups follow their current assignments --------------------------------------


def test_assigning_a_role_gives_its_group_and_staff_status(ministry_admin, centre_a):
    user = UserFactory()
    assert not user.is_staff
    staff_assignment_create(actor=ministry_admin, user=user, role="chair", centre=centre_a)
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:chair"}
    assert user.is_staff
    assert user.has_perm("volunteers.change_volunteer")


def test_ending_the_last_role_takes_its_group_and_staff_status_away(ministry_admin, centre_a):
    user = UserFactory()
    chair = staff_assignment_create(
        actor=ministry_admin,
        user=user,
        role="chair",
        centre=centre_a,
        starts_on=dt.date(2019, 3, 11),
    )
    staff = staff_assignment_create(actor=ministry_admin, user=user, role="staff", centre=centre_a)
    staff_assignment_end(actor=ministry_admin, assignment=chair)
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:staff"}
    assert user.is_staff
    chair.refresh_from_db()
    assert chair.ends_on == clock.yesterday()  # the role stops now; the record of the term stays
    staff_assignment_end(actor=ministry_admin, assignment=staff)
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff
    assert not user.has_perm("volunteers.view_volunteer")


def test_a_future_dated_assignment_gives_nothing_until_its_first_day(ministry_admin, centre_a):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="chair", centre=centre_a, starts_on=clock.tomorrow()
    )
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff
    # The calendar moves on: the daily re-sync gives the role on its first day.
    StaffAssignment.objects.filter(pk=assignment.pk).update(starts_on=clock.today())
    call_command("sync_roles", stdout=io.StringIO())
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:chair"}
    assert user.is_staff


def log_in(client, user):
    """The log-in form, as a person fills it in (not force_login, which skips the backend)."""
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "pw-Test-1234"}
    )
    assert response.status_code == 302
    assert "/login/" not in response["Location"]


def test_an_assignment_whose_first_day_has_come_takes_effect_at_the_next_log_in(
    client, ministry_admin, centre_a
):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="chair", centre=centre_a, starts_on=clock.tomorrow()
    )
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff
    # The calendar moves on (the start day arrives) before the daily sync has run.
    StaffAssignment.objects.filter(pk=assignment.pk).update(starts_on=clock.today())
    log_in(client, user)
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:chair"}
    assert user.is_staff
    # The admin's menus follow at once: the chair's models are offered.
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/volunteers/volunteer/" in index.content.decode()


def test_an_assignment_past_its_last_day_is_taken_away_at_the_next_log_in_to_the_admin(
    client, ministry_admin, centre_a
):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="staff", centre=centre_a, ends_on=clock.today()
    )
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:staff"}
    assert user.is_staff
    StaffAssignment.objects.filter(pk=assignment.pk).update(ends_on=clock.yesterday())
    response = client.post("/admin/login/", {"username": user.username, "password": "pw-Test-1234"})
    # No role left: staff status is gone, so the admin's own log-in refuses them.
    assert response.status_code == 200
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff


def test_a_wrong_password_syncs_nothing(client, ministry_admin, centre_a):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="chair", centre=centre_a, starts_on=clock.tomorrow()
    )
    StaffAssignment.objects.filter(pk=assignment.pk).update(starts_on=clock.today())
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff


def test_an_assignment_past_its_last_day_loses_its_group_at_the_daily_sync(
    ministry_admin, centre_a
):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="supervisor", centre=centre_a, ends_on=clock.today()
    )
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:supervisor"}
    StaffAssignment.objects.filter(pk=assignment.pk).update(ends_on=clock.yesterday())
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert "changed" in out.getvalue()
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff


def test_an_expired_assignment_gives_nothing(ministry_admin, centre_a):
    user = UserFactory()
    staff_assignment_create(
        actor=ministry_admin,
        user=user,
        role="chair",
        centre=centre_a,
        starts_on=dt.date(2019, 3, 11),
        ends_on=clock.yesterday(),
    )
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff


def test_ending_an_assignment_that_has_not_started_removes_it(ministry_admin, centre_a):
    user = UserFactory()
    assignment = staff_assignment_create(
        actor=ministry_admin, user=user, role="chair", centre=centre_a, starts_on=clock.tomorrow()
    )
    assert staff_assignment_end(actor=ministry_admin, assignment=assignment) is None
    assert not StaffAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_sync_leaves_groups_made_by_an_administrator_alone(ministry_admin, centre_a):
    user = UserFactory()
    importers = Group.objects.create(name="ผู้นำเข้าข้อมูล")
    user.groups.add(importers)
    staff_assignment_create(actor=ministry_admin, user=user, role="chair", centre=centre_a)
    roles_sync(user)
    assert set(user.groups.values_list("name", flat=True)) == {"role:chair", "ผู้นำเข้าข้อมูล"}


def test_a_role_group_given_by_hand_is_taken_back_by_the_sync(db):
    groups_load()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="role:ministry_admin"))
    user.is_staff = True
    user.save()
    call_command("sync_roles", stdout=io.StringIO())
    user.refresh_from_db()
    assert role_groups_of(user) == set()
    assert not user.is_staff


def test_a_superuser_keeps_staff_status_without_any_assignment(superuser):
    roles_sync(superuser)
    superuser.refresh_from_db()
    assert superuser.is_staff


def test_only_a_ministry_administrator_assigns_roles(chair_a, supervisor_north, centre_a):
    for actor in (chair_a, supervisor_north):
        with pytest.raises(PermissionDenied):
            staff_assignment_create(actor=actor, user=UserFactory(), role="chair", centre=centre_a)


def test_a_chair_assignment_without_a_centre_is_refused_beside_the_centre(ministry_admin):
    with pytest.raises(ValidationError) as error:
        staff_assignment_create(actor=ministry_admin, user=UserFactory(), role="chair")
    assert "centre" in error.value.message_dict


def test_the_users_of_the_fixtures_hold_their_roles_groups(
    chair_a, supervisor_north, ministry_admin
):
    assert role_groups_of(chair_a) == {"role:chair"}
    assert role_groups_of(supervisor_north) == {"role:supervisor"}
    assert role_groups_of(ministry_admin) == {"role:ministry_admin"}
    assert not ministry_admin.is_superuser
    assert ministry_admin.is_staff


# -- the demo ----------------------------------------------------------------------------------


def test_the_demo_administrator_is_a_ministry_administrator_not_a_superuser(
    reference_centres, client
):
    demo_users_load()
    demo_users_load()  # idempotent
    from django.contrib.auth.models import User

    admin = User.objects.get(username="admin")
    assert not admin.is_superuser
    assert admin.is_staff
    assert role_groups_of(admin) == {"role:ministry_admin"}
    assert admin.staff_assignments.get().role == "ministry_admin"
    assert admin.has_perm("auth.add_user")
    assert admin.has_perm("centres.add_staffassignment")
    chair = User.objects.get(username="chair_bkn")
    assert role_groups_of(chair) == {"role:chair"}
    assert role_groups_of(User.objects.get(username="supervisor_bkk")) == {"role:supervisor"}
    assert client.login(username="admin", password=DEMO_PASSWORD)
    assert client.get("/admin/auth/user/add/").status_code == 200
    assert client.get("/accounts/manage/").status_code == 200


def test_staff_assignment_factory_rows_are_synced_by_the_daily_command(centre_a):
    """Assignments written around the services (a data fix in SQL) are caught up nightly."""
    user = UserFactory()
    StaffAssignmentFactory(user=user, role="staff", centre=centre_a)
    call_command("sync_roles", stdout=io.StringIO())
    user.refresh_from_db()
    assert role_groups_of(user) == {"role:staff"}
    assert user.is_staff
