"""The admin as each role sees it, through the role groups alone (no permission given by hand):
the ministry administrator who is not a superuser does the whole job, a supervisor reads their
scope, a chair keeps their own centres' records and reads reference data."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse

from centres.models import Account, StaffAssignment
from centres.roles import roles_sync
from tests import clock
from tests.factories import RegistrationFactory, UserFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def rights(user, model_admin) -> dict[str, bool]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        "module": model_admin.has_module_permission(request),
        "view": model_admin.has_view_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }


def info(model) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}"


# -- the ministry administrator -----------------------------------------------------------------


def test_a_ministry_administrator_has_a_superusers_rights_on_every_admin_model(
    ministry_admin, superuser
):
    for model, model_admin in admin.site._registry.items():
        assert rights(ministry_admin, model_admin) == rights(superuser, model_admin), model


def test_a_ministry_administrator_opens_every_changelist_and_add_page(
    client, ministry_admin, superuser, centre_a
):
    RegistrationFactory(centre=centre_a)
    for model, model_admin in admin.site._registry.items():
        for page in ("changelist", "add"):
            url = reverse(f"{info(model)}_{page}")
            client.force_login(superuser)
            expected = client.get(url).status_code
            client.force_login(ministry_admin)
            status = client.get(url).status_code
            assert status == expected, (url, status, expected)
            assert status in (200, 403), (url, status)
            if page == "changelist" or rights(superuser, model_admin)["add"]:
                assert status == 200, url
    client.force_login(ministry_admin)
    assert client.get(reverse("admin:volunteers_volunteer_import")).status_code == 200


def test_a_ministry_administrator_adds_a_user_and_gives_them_a_role_in_the_admin(
    client, ministry_admin, centre_a
):
    client.force_login(ministry_admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "somchai.bkn",
            "usable_password": "true",
            "password1": "x-Very-Long-1234",
            "password2": "x-Very-Long-1234",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="somchai.bkn")
    # The administrator typed the password: the new user chooses their own at first log-in.
    assert Account.objects.get(user=user).must_change_password
    response = client.post(
        reverse("admin:centres_staffassignment_add"),
        {
            "user": user.pk,
            "role": "chair",
            "centre": centre_a.pk,
            "starts_on": "11/03/2562",
            "ends_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"role:chair"}


def test_ending_or_deleting_an_assignment_in_the_admin_takes_the_group_away(
    client, ministry_admin, chair_a
):
    client.force_login(ministry_admin)
    assignment = chair_a.staff_assignments.get()
    url = reverse("admin:centres_staffassignment_change", args=[assignment.pk])
    response = client.post(
        url,
        {
            "user": chair_a.pk,
            "role": "chair",
            "centre": assignment.centre_id,
            "starts_on": "",
            "ends_on": be(clock.yesterday()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    chair_a.refresh_from_db()
    assert not chair_a.groups.filter(name="role:chair").exists()
    assert not chair_a.is_staff
    StaffAssignment.objects.filter(pk=assignment.pk).update(ends_on=None)
    roles_sync(chair_a)
    assert chair_a.groups.filter(name="role:chair").exists()
    url = reverse("admin:centres_staffassignment_delete", args=[assignment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    chair_a.refresh_from_db()
    assert not chair_a.groups.filter(name="role:chair").exists()
    assert not chair_a.is_staff


def test_an_assignment_for_a_deactivated_account_is_refused_beside_the_user(
    client, ministry_admin, centre_a
):
    gone = UserFactory(is_active=False)
    client.force_login(ministry_admin)
    response = client.post(
        reverse("admin:centres_staffassignment_add"),
        {
            "user": gone.pk,
            "role": "chair",
            "centre": centre_a.pk,
            "starts_on": "",
            "ends_on": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
    assert not StaffAssignment.objects.filter(user=gone).exists()


def user_form(user, **changes) -> dict:
    data = {
        # The fixtures' usernames hold the centre's name, spaces included: not a valid one.
        "username": f"user{user.pk}",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [],
        "user_permissions": [],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("groups", "role"),
        ("groups", "999999"),
        ("groups", "ไม่ใช่ตัวเลข"),
        ("user_permissions", "999999"),
        ("user_permissions", "abc"),
    ],
)
def test_a_tampered_group_or_permission_in_the_user_form_is_a_form_error(
    client, ministry_admin, chair_b, field, value
):
    if value == "role":
        value = str(Group.objects.get(name="role:ministry_admin").pk)
    client.force_login(ministry_admin)
    url = reverse("admin:auth_user_change", args=[chair_b.pk])
    response = client.post(url, user_form(chair_b, **{field: [value]}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not chair_b.groups.filter(name="role:ministry_admin").exists()


def test_a_tampered_permission_in_the_group_form_is_a_form_error(client, ministry_admin):
    client.force_login(ministry_admin)
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "ผู้นำเข้า", "permissions": ["999999"]}
    )
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert not Group.objects.filter(name="ผู้นำเข้า").exists()


def test_a_ministry_administrator_makes_a_group_of_their_own(client, ministry_admin):
    client.force_login(ministry_admin)
    permission = Permission.objects.get(codename="view_volunteer")
    response = client.post(
        reverse("admin:auth_group_add"), {"name": "ผู้นำเข้า", "permissions": [permission.pk]}
    )
    assert response.status_code == 302
    assert Group.objects.get(name="ผู้นำเข้า").permissions.get() == permission


def test_saving_a_user_in_the_admin_keeps_their_role_groups(client, ministry_admin, chair_b):
    client.force_login(ministry_admin)
    url = reverse("admin:auth_user_change", args=[chair_b.pk])
    response = client.post(url, user_form(chair_b, first_name="สมชาย"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(chair_b.groups.values_list("name", flat=True)) == {"role:chair"}


def test_role_groups_are_shown_but_never_edited_or_deleted_in_the_admin(
    client, ministry_admin, superuser
):
    group = Group.objects.get(name="role:chair")
    for user in (ministry_admin, superuser):
        client.force_login(user)
        change = reverse("admin:auth_group_change", args=[group.pk])
        assert client.get(change).status_code == 200  # the view page
        assert client.post(change, {"name": "อื่น", "permissions": []}).status_code == 403
        assert (
            client.post(
                reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    assert Group.objects.get(pk=group.pk).name == "role:chair"


def test_no_account_is_deleted_in_the_admin(client, ministry_admin, superuser, chair_b):
    url = reverse("admin:auth_user_delete", args=[chair_b.pk])
    for user in (ministry_admin, superuser):
        client.force_login(user)
        assert client.post(url, {"post": "yes"}).status_code == 403
        changelist = reverse("admin:auth_user_changelist")
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [chair_b.pk], "post": "yes"},
        )
    assert User.objects.filter(pk=chair_b.pk).exists()


def test_a_ministry_administrator_makes_nobody_a_superuser_nor_changes_a_superuser(
    client, ministry_admin, chair_b, superuser
):
    client.force_login(ministry_admin)
    url = reverse("admin:auth_user_change", args=[chair_b.pk])
    client.post(url, user_form(chair_b, is_superuser="on", is_staff="on"))
    chair_b.refresh_from_db()
    assert not chair_b.is_superuser
    root = reverse("admin:auth_user_change", args=[superuser.pk])
    assert client.post(root, user_form(superuser, first_name="x")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert (
        client.post(
            password, {"password1": "x-Very-Long-1234", "password2": "x-Very-Long-1234"}
        ).status_code
        == 403
    )


def test_a_password_set_in_the_admin_must_be_changed_by_its_owner(client, ministry_admin, chair_b):
    client.force_login(ministry_admin)
    url = reverse("admin:auth_user_password_change", args=[chair_b.pk])
    response = client.post(
        url,
        {
            "password1": "x-Very-Long-1234",
            "password2": "x-Very-Long-1234",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert Account.objects.get(user=chair_b).must_change_password


# -- the supervisor -----------------------------------------------------------------------------


def test_a_supervisor_views_their_scope_in_the_admin_and_changes_nothing(
    client, supervisor_north, centre_a, centre_b
):
    theirs = RegistrationFactory(centre=centre_b, volunteer__first_name="ของภาคเหนือ").volunteer
    other = RegistrationFactory(centre=centre_a, volunteer__first_name="ของบางเขน").volunteer
    client.force_login(supervisor_north)
    listing = client.get(reverse("admin:volunteers_volunteer_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [theirs]
    change = reverse("admin:volunteers_volunteer_change", args=[theirs.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"first_name": "แก้"}).status_code == 403
    assert client.get(reverse("admin:volunteers_volunteer_add")).status_code == 403
    assert client.post(reverse("admin:volunteers_volunteer_add"), {}).status_code == 403
    assert client.get(reverse("admin:volunteers_volunteer_import")).status_code == 403
    out_of_scope = reverse("admin:volunteers_volunteer_change", args=[other.pk])
    assert client.get(out_of_scope).status_code == 404
    for name in ("auth_user", "auth_group", "centres_staffassignment"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    assert Volunteer.objects.get(pk=theirs.pk).first_name == "ของภาคเหนือ"


# -- the chair ------------------------------------------------------------------------------


def test_a_chair_keeps_their_centres_records_in_the_admin_and_reads_reference_data(
    client, chair_a, centre_a, centre_b
):
    from cases.models import Agency

    mine = RegistrationFactory(centre=centre_a).volunteer
    agency = Agency.objects.create(name_th="มูลนิธิ", type="foundation")
    client.force_login(chair_a)
    assert client.get(reverse("admin:index")).status_code == 200
    for name in ("volunteers_volunteer", "cases_case", "cases_person", "volunteers_event"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name
    assert client.get(reverse("admin:volunteers_volunteer_import")).status_code == 200
    page = client.get(reverse("admin:volunteers_volunteer_change", args=[mine.pk]))
    assert page.context["has_change_permission"]
    # Reference data and the centre tree: read only.
    for name in (
        "centres_region",
        "centres_province",
        "centres_centre",
        "cases_agency",
        "volunteers_organisation",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name
    agency_page = reverse("admin:cases_agency_change", args=[agency.pk])
    assert client.post(agency_page, {"name_th": "แก้"}).status_code == 403
    centre_page = reverse("admin:centres_centre_change", args=[centre_a.pk])
    assert client.post(centre_page, {"name_th": "แก้"}).status_code == 403
    # Accounts, groups and assignments: not theirs at all.
    for name in ("auth_user", "auth_group", "centres_staffassignment"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    # And no deleting, even of their own centre's volunteer.
    assert (
        client.post(
            reverse("admin:volunteers_volunteer_delete", args=[mine.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_chair_who_also_supervises_a_region_holds_both_groups_and_writes_at_home_only(
    client, chair_a, centre_a, centre_b
):
    from tests.factories import also_supervising_the_north

    also_supervising_the_north(chair_a)
    assert set(chair_a.groups.values_list("name", flat=True)) == {"role:chair", "role:supervisor"}
    home = RegistrationFactory(centre=centre_a).volunteer
    north = RegistrationFactory(centre=centre_b).volunteer
    client.force_login(chair_a)
    listing = client.get(reverse("admin:volunteers_volunteer_changelist"))
    assert set(listing.context["cl"].result_list) == {home, north}
    assert client.get(reverse("admin:volunteers_volunteer_change", args=[home.pk])).context[
        "has_change_permission"
    ]
    north_page = reverse("admin:volunteers_volunteer_change", args=[north.pk])
    assert not client.get(north_page).context["has_change_permission"]
    assert client.post(north_page, {"first_name": "แก้"}).status_code == 403


def test_a_group_is_given_permissions_found_by_the_autocomplete(client, ministry_admin, chair_b):
    """More than a hundred permissions: the group and user pages find them as typed, and
    list only those given."""
    permission = Permission.objects.get(codename="view_volunteer")
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "auth",
        "model_name": "group",
        "field_name": "permissions",
        "term": "view_volunteer",
    }
    client.force_login(ministry_admin)
    found = [int(r["id"]) for r in client.get(url, params).json()["results"]]
    assert permission.pk in found
    assert len(found) < 5
    group = Group.objects.create(name="ผู้อ่าน")
    group.permissions.add(permission)
    page = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    select = page[
        page.index('name="permissions"') : page.index("</select>", page.index('name="permissions"'))
    ]
    assert select.count("<option") == 1
    # Only a ministry administrator reads the permissions, whatever a chair was given.
    client.force_login(chair_b)
    assert client.get(url, params).status_code == 403
