"""Suspending, reinstating and ending a volunteer's registration on the staff pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import clock
from tests.factories import (
    RegistrationFactory,
    StaffAssignmentFactory,
    UserFactory,
    also_supervising_the_north,
)
from tests.staff.posts import be, field_errors
from volunteers.models import Registration, RegistrationStatusChange
from volunteers.services import registration_end, registration_reinstate, registration_suspend

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ACTIONS = ["registration-suspend", "registration-reinstate", "registration-end"]


@pytest.fixture
def registration(centre_a):
    return RegistrationFactory(centre=centre_a, volunteer__first_name="อาสาพักงาน")


def url(name, registration):
    return reverse(f"volunteers:{name}", args=[registration.pk])


def detail(client, registration) -> str:
    page = client.get(reverse("volunteers:volunteer-detail", args=[registration.volunteer_id]))
    assert page.status_code == 200
    return page.content.decode()


def test_chair_suspends_reinstates_and_ends_with_be_dates_in_thai_digits_and_a_history(
    client, chair_a, registration
):
    client.force_login(chair_a)
    page = detail(client, registration)
    assert url("registration-suspend", registration) in page
    assert url("registration-reinstate", registration) not in page
    suspended_on = dt.date(2024, 5, 1)
    typed = be(suspended_on).translate(THAI_DIGITS)  # ๐๑/๐๕/๒๕๖๗
    response = client.post(
        url("registration-suspend", registration), {"on": typed, "reason": "ขาดการปฏิบัติงานสามเดือน"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    registration.refresh_from_db()
    assert (registration.status, registration.suspended_on, registration.suspension_reason) == (
        "suspended",
        suspended_on,
        "ขาดการปฏิบัติงานสามเดือน",
    )
    page = detail(client, registration)
    assert url("registration-reinstate", registration) in page
    assert url("registration-suspend", registration) not in page
    assert "ขาดการปฏิบัติงานสามเดือน" in page
    assert "1 พ.ค. 2567" in page
    response = client.post(
        url("registration-reinstate", registration), {"on": "01/08/2567", "reason": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    registration.refresh_from_db()
    assert (registration.status, registration.suspended_on, registration.suspension_reason) == (
        "active",
        None,
        "",
    )
    response = client.post(
        url("registration-end", registration), {"on": be(clock.today()), "reason": "ย้ายภูมิลำเนา"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.ended_on, registration.end_reason) == (
        "ended",
        clock.today(),
        "ย้ายภูมิลำเนา",
    )
    history = list(
        registration.status_changes.values_list("from_status", "to_status", "on", "reason", "actor")
    )
    assert history == [
        ("active", "suspended", suspended_on, "ขาดการปฏิบัติงานสามเดือน", chair_a.pk),
        ("suspended", "active", dt.date(2024, 8, 1), "", chair_a.pk),
        ("active", "ended", clock.today(), "ย้ายภูมิลำเนา", chair_a.pk),
    ]
    page = detail(client, registration)
    history_html = page[page.index('id="status-history"') :]
    # Newest first, each with the old and the new status.
    assert history_html.index("ย้ายภูมิลำเนา") < history_html.index("ขาดการปฏิบัติงานสามเดือน")
    assert "ปฏิบัติงาน → พักการปฏิบัติงาน" in history_html
    assert "พักการปฏิบัติงาน → ปฏิบัติงาน" in history_html
    for name in ACTIONS:  # ended is final: no button left
        assert url(name, registration) not in page


def test_ending_a_suspended_registration_clears_the_suspension_and_keeps_it_in_history(
    chair_a, registration
):
    registration_suspend(
        actor=chair_a, registration=registration, on=dt.date(2024, 1, 10), reason="ป่วย"
    )
    registration_end(
        actor=chair_a, registration=registration, on=dt.date(2024, 3, 1), reason="ลาออก"
    )
    registration.refresh_from_db()
    assert (registration.status, registration.suspended_on, registration.ended_on) == (
        "ended",
        None,
        dt.date(2024, 3, 1),
    )
    assert registration.status_changes.first().reason == "ป่วย"


@pytest.mark.parametrize(
    ("name", "post", "field"),
    [
        ("registration-end", {"on": "10/03/2562", "reason": "x"}, "on"),  # before 11/03/2562
        (
            "registration-suspend",
            {"on": be(clock.today() + dt.timedelta(days=1)), "reason": "x"},
            "on",
        ),
        ("registration-end", {"on": "31/02/2567", "reason": "x"}, "on"),  # no such day
        ("registration-end", {"on": "12/2567", "reason": "x"}, "on"),
        ("registration-suspend", {"on": "01/01/1990", "reason": "x"}, "on"),  # before ministry
        ("registration-suspend", {"on": be(clock.today()), "reason": "   "}, "reason"),
        ("registration-end", {"on": be(clock.today()), "reason": ""}, "reason"),
        ("registration-end", {"on": be(clock.today()), "reason": "ก" * 201}, "reason"),
        ("registration-suspend", {"reason": "x"}, "on"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, chair_a, registration, name, post, field
):
    client.force_login(chair_a)
    response = client.post(url(name, registration), post)
    assert response.status_code == 400
    assert field_errors(response, field)
    registration.refresh_from_db()
    assert registration.status == "active"
    assert not RegistrationStatusChange.objects.exists()


def test_a_date_before_the_last_change_of_status_is_refused(client, chair_a, registration):
    registration_suspend(
        actor=chair_a, registration=registration, on=dt.date(2024, 5, 1), reason="พัก"
    )
    client.force_login(chair_a)
    response = client.post(url("registration-reinstate", registration), {"on": "30/04/2567"})
    assert response.status_code == 400
    assert field_errors(response, "on")
    registration.refresh_from_db()
    assert registration.status == "suspended"


def test_suspending_a_suspended_and_reinstating_an_ended_registration_say_why_not(
    client, chair_a, registration
):
    client.force_login(chair_a)
    registration_suspend(
        actor=chair_a, registration=registration, on=dt.date(2024, 5, 1), reason="พัก"
    )
    response = client.post(
        url("registration-suspend", registration), {"on": be(clock.today()), "reason": "อีกครั้ง"}
    )
    assert response.status_code == 400
    assert "1 พ.ค. 2567" in " ".join(response.context["form"].non_field_errors())
    registration_end(actor=chair_a, registration=registration, on=clock.today(), reason="ลาออก")
    for name in ("registration-reinstate", "registration-suspend", "registration-end"):
        response = client.post(
            url(name, registration), {"on": be(clock.today()), "reason": "กลับมา"}
        )
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
    registration.refresh_from_db()
    assert registration.status == "ended"
    assert registration.status_changes.count() == 2


def test_reinstating_an_active_registration_is_refused(chair_a, registration):
    with pytest.raises(ValidationError) as error:
        registration_reinstate(actor=chair_a, registration=registration, on=clock.today())
    assert error.value.code == "not_suspended"


def test_a_supervisor_gets_403_and_sees_no_status_button(client, supervisor_north, centre_b):
    registration = RegistrationFactory(centre=centre_b)
    client.force_login(supervisor_north)
    page = detail(client, registration)
    for name in ACTIONS:
        assert url(name, registration) not in page
        assert client.get(url(name, registration)).status_code == 403
        response = client.post(url(name, registration), {"on": be(clock.today()), "reason": "x"})
        assert response.status_code == 403
    listing = client.get(reverse("volunteers:volunteer-list")).content.decode()
    assert reverse("volunteers:volunteer-create") not in listing
    with pytest.raises(PermissionDenied):
        registration_suspend(
            actor=supervisor_north, registration=registration, on=clock.today(), reason="x"
        )
    registration.refresh_from_db()
    assert registration.status == "active"


def test_a_chair_who_also_supervises_changes_registrations_of_their_own_centre_only(
    client, chair_a, centre_a, centre_b
):
    also_supervising_the_north(chair_a)
    mine = RegistrationFactory(centre=centre_a)
    read_only = RegistrationFactory(centre=centre_b)
    client.force_login(chair_a)
    assert url("registration-suspend", mine) in detail(client, mine)
    assert url("registration-suspend", read_only) not in detail(client, read_only)
    assert (
        reverse("volunteers:volunteer-create")
        in client.get(reverse("volunteers:volunteer-list")).content.decode()
    )
    post = {"on": be(clock.today()), "reason": "พัก"}
    assert client.post(url("registration-suspend", read_only), post).status_code == 403
    assert client.post(url("registration-suspend", mine), post).status_code == 302
    assert Registration.objects.get(pk=read_only.pk).status == "active"
    assert Registration.objects.get(pk=mine.pk).status == "suspended"


def test_a_volunteer_registered_at_two_centres_shows_buttons_only_at_the_users_one(
    client, chair_a, centre_a, centre_b
):
    mine = RegistrationFactory(centre=centre_a)
    StaffAssignmentFactory(user=UserFactory(), role="chair", centre=centre_b)
    theirs = RegistrationFactory(centre=centre_b, volunteer=mine.volunteer, programme="aps")
    client.force_login(chair_a)
    page = detail(client, mine)
    assert url("registration-end", mine) in page
    assert url("registration-end", theirs) not in page
    assert client.get(url("registration-end", theirs)).status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_chair_of_another_centre_gets_404(client, chair_b, registration, name):
    client.force_login(chair_b)
    assert client.get(url(name, registration)).status_code == 404
    assert (
        client.post(url(name, registration), {"on": be(clock.today()), "reason": "x"}).status_code
        == 404
    )
    registration.refresh_from_db()
    assert registration.status == "active"


def test_status_history_is_scoped_like_its_registration(
    chair_a, chair_b, supervisor_north, ministry_admin, registration
):
    registration_suspend(actor=chair_a, registration=registration, on=clock.today(), reason="พัก")
    change = RegistrationStatusChange.objects.get()
    visible = RegistrationStatusChange.objects.visible_to
    assert list(visible(chair_a)) == [change]
    assert list(visible(ministry_admin)) == [change]
    assert not visible(chair_b).exists()
    assert not visible(supervisor_north).exists()
    assert not RegistrationStatusChange.objects.writable_by(supervisor_north).exists()


def test_the_volunteer_page_runs_a_fixed_number_of_queries(
    client, chair_a, registration, django_assert_max_num_queries
):
    client.force_login(chair_a)
    registration_suspend(actor=chair_a, registration=registration, on=clock.today(), reason="พัก")
    with django_assert_max_num_queries(12) as few:
        detail(client, registration)
    registration_reinstate(actor=chair_a, registration=registration, on=clock.today())
    for _ in range(4):
        RegistrationFactory(
            centre=registration.centre, volunteer=registration.volunteer, programme="network"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        detail(client, registration)
