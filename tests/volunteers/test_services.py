"""The registry's services: each rule they refuse (by its field and code), what they save, and
the pages that write through them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from centres.models import Subdistrict
from tests.factories import (
    AttendanceFactory,
    CentreRoleFactory,
    EventFactory,
    MembershipFactory,
    RegistrationFactory,
    VolunteerFactory,
    national_id,
)
from tests.staff.posts import registration_post
from volunteers import services
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Programme,
    Registration,
    RegistrationStatusChange,
    Volunteer,
)

pytestmark = pytest.mark.django_db


def new_volunteer(**values) -> Volunteer:
    return Volunteer(
        **{
            "national_id": national_id(901),
            "first_name": "สมศรี",
            "last_name": "มีสุข",
            "birth_date": dt.date(1980, 1, 15),
            **values,
        }
    )


def new_registration(centre, **values) -> Registration:
    return Registration(
        **{
            "programme": Programme.APM,
            "centre": centre,
            "number": "0012/2562",
            "registered_on": dt.date(2019, 3, 11),
            **values,
        }
    )


def refusal(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    return exc.value


def code_of(error: ValidationError, field: str) -> str:
    return error.error_dict[field][0].code


# -- volunteer_register ---------------------------------------------------------------------------


def test_volunteer_register_saves_the_volunteer_with_their_first_registration(chair_a, centre_a):
    subdistrict = Subdistrict.objects.get(code="100502")
    volunteer = services.volunteer_register(
        actor=chair_a,
        volunteer=new_volunteer(national_id="1-2345-67890-12-1", subdistrict=subdistrict),
        registration=new_registration(centre_a, number="12/2562"),
    )
    volunteer = Volunteer.objects.get(pk=volunteer.pk)
    assert volunteer.national_id == "1234567890121"
    assert volunteer.postcode == subdistrict.postcode  # left blank: the subdistrict's
    registration = volunteer.registrations.get()
    assert (registration.centre, registration.number, registration.status) == (
        centre_a,
        "0012/2562",
        Registration.Status.ACTIVE,
    )


@pytest.mark.parametrize(
    ("field", "code", "values"),
    [
        (
            "passport_number",
            "two_identities",
            {"passport_number": "AA1234567", "nationality": "JP"},
        ),
        ("national_id", "identity_required", {"national_id": None}),
        (
            "nationality",
            "passport_country",
            {"national_id": None, "passport_number": "AA1234567", "name_latin": "Somsri MEESUK"},
        ),
        (
            "name_latin",
            "name_latin_required",
            {"national_id": None, "passport_number": "AA1234567", "nationality": "JP"},
        ),
        ("postcode", "postcode", {"postcode": "1040"}),
        (
            "postcode",
            "postcode_of_other_subdistrict",
            {"subdistrict": "100502", "postcode": "50200"},
        ),
    ],
)
def test_volunteer_register_refuses_a_volunteer_who_breaks_a_rule(
    chair_a, centre_a, field, code, values
):
    if "subdistrict" in values:
        values = {**values, "subdistrict": Subdistrict.objects.get(code=values["subdistrict"])}
    error = refusal(
        services.volunteer_register,
        actor=chair_a,
        volunteer=new_volunteer(**values),
        registration=new_registration(centre_a),
    )
    assert code_of(error, field) == code
    assert not Volunteer.objects.exists()
    assert not Registration.objects.exists()


REGISTRATION_RULES = [
    (
        "ended_on",
        "ended_before_registration",
        {"status": "ended", "ended_on": dt.date(2019, 3, 10)},
        {},
    ),
    ("ended_on", "end_date_required", {"status": "ended"}, {}),
    ("status", "end_date_without_ending", {"ended_on": dt.date(2020, 1, 1)}, {}),
    (
        "suspended_on",
        "suspended_before_registration",
        {"status": "suspended", "suspended_on": dt.date(2019, 3, 1)},
        {},
    ),
    ("suspended_on", "suspension_without_suspended", {"suspension_reason": "ป่วย"}, {}),
    (
        "service_ends_on",
        "ends_before_start",
        {"service_starts_on": dt.date(2020, 2, 1), "service_ends_on": dt.date(2020, 1, 1)},
        {},
    ),
    ("other_ministry", "ministry_required", {"programme": Programme.MINISTRY}, {}),
    ("programme", "foreign_without_passport", {"programme": Programme.FOREIGN}, {}),
    (
        "registered_on",
        "registered_before_birth",
        {"programme": Programme.NETWORK, "registered_on": dt.date(2005, 1, 1)},
        {"birth_date": dt.date(2006, 1, 1)},
    ),
    ("registered_on", "apm_under_age", {}, {"birth_date": dt.date(2005, 1, 1)}),
    ("programme", "apm_birth_date_required", {}, {"birth_date": None}),
    ("service_starts_on", "before_birth", {"service_starts_on": dt.date(1979, 1, 1)}, {}),
    ("visa_expires_on", "before_birth", {"visa_expires_on": dt.date(1979, 1, 1)}, {}),
]


@pytest.mark.parametrize(("field", "code", "registration", "volunteer"), REGISTRATION_RULES)
def test_volunteer_register_refuses_a_registration_that_breaks_a_rule_and_saves_nothing(
    chair_a, centre_a, field, code, registration, volunteer
):
    error = refusal(
        services.volunteer_register,
        actor=chair_a,
        volunteer=new_volunteer(**volunteer),
        registration=new_registration(centre_a, **registration),
    )
    assert code_of(error, field) == code
    assert not Volunteer.objects.exists()
    assert not Registration.objects.exists()


def test_volunteer_register_refuses_a_centre_the_actor_does_not_write_at(
    chair_b, supervisor_north, centre_a, centre_b
):
    for actor, centre in ((chair_b, centre_a), (supervisor_north, centre_b)):
        with pytest.raises(PermissionDenied):
            services.volunteer_register(
                actor=actor, volunteer=new_volunteer(), registration=new_registration(centre)
            )
    assert not Volunteer.objects.exists()


# -- volunteer_update, registration_create and registration_update -------------------------------


def test_volunteer_update_saves_the_changes_checked_by_full_clean(chair_a, centre_a, chair_b):
    volunteer = RegistrationFactory(centre=centre_a, volunteer__first_name="สมศักดิ์").volunteer
    services.volunteer_update(actor=chair_a, volunteer=volunteer, phone="081 234 5678")
    assert Volunteer.objects.get(pk=volunteer.pk).phone == "+66812345678"
    error = refusal(services.volunteer_update, actor=chair_a, volunteer=volunteer, postcode="1")
    assert code_of(error, "postcode") == "postcode"
    with pytest.raises(PermissionDenied):
        services.volunteer_update(actor=chair_b, volunteer=volunteer, phone="")


@pytest.mark.parametrize(("field", "code", "registration", "volunteer"), REGISTRATION_RULES)
def test_registration_create_refuses_a_registration_that_breaks_a_rule(
    chair_a, centre_a, field, code, registration, volunteer
):
    person = VolunteerFactory(**volunteer)
    error = refusal(
        services.registration_create,
        actor=chair_a,
        registration=new_registration(centre_a, volunteer=person, **registration),
    )
    assert code_of(error, field) == code
    assert not Registration.objects.exists()


def test_registration_create_and_update_save_a_second_registration(chair_a, centre_a):
    first = RegistrationFactory(centre=centre_a)
    second = services.registration_create(
        actor=chair_a,
        registration=new_registration(
            centre_a, volunteer=first.volunteer, programme=Programme.APS, number="7/2563"
        ),
    )
    assert Registration.objects.get(pk=second.pk).number == "0007/2563"
    services.registration_update(actor=chair_a, registration=second, other_ministry="")
    services.registration_update(
        actor=chair_a, registration=second, status="ended", ended_on=dt.date(2020, 1, 1)
    )
    second.refresh_from_db()
    assert (second.status, second.ended_on) == ("ended", dt.date(2020, 1, 1))
    # Updates keep no history (the status services do): the admin corrects here.
    assert not RegistrationStatusChange.objects.exists()


def test_registration_update_refuses_a_registration_or_a_centre_the_actor_does_not_write_at(
    chair_a, chair_b, centre_a, centre_b
):
    registration = RegistrationFactory(centre=centre_a)
    with pytest.raises(PermissionDenied):
        services.registration_update(actor=chair_b, registration=registration, number="")
    with pytest.raises(PermissionDenied):
        services.registration_update(actor=chair_a, registration=registration, centre=centre_b)
    assert Registration.objects.get(pk=registration.pk).centre == centre_a
    with pytest.raises(PermissionDenied):
        services.registration_create(
            actor=chair_b,
            registration=new_registration(
                centre_a, volunteer=registration.volunteer, programme=Programme.APS, number=""
            ),
        )


# -- centre roles ---------------------------------------------------------------------------------


def new_role(volunteer, centre, **values) -> CentreRole:
    return CentreRole(
        **{
            "volunteer": volunteer,
            "centre": centre,
            "role": CentreRole.Role.CHAIR,
            "starts_on": dt.date(2020, 1, 1),
            **values,
        }
    )


def test_centre_role_assign_update_and_end(chair_a, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    role = services.centre_role_assign(actor=chair_a, centre_role=new_role(volunteer, centre_a))
    assert CentreRole.objects.get(pk=role.pk).ends_on is None
    services.centre_role_update(actor=chair_a, centre_role=role, role=CentreRole.Role.SECRETARY)
    services.centre_role_end(actor=chair_a, centre_role=role, ends_on=dt.date(2023, 9, 30))
    role.refresh_from_db()
    assert (role.role, role.ends_on) == (CentreRole.Role.SECRETARY, dt.date(2023, 9, 30))


@pytest.mark.parametrize(
    ("field", "code", "values", "birth_date"),
    [
        ("ends_on", "ends_before_start", {"ends_on": dt.date(2019, 12, 31)}, dt.date(1980, 1, 15)),
        ("starts_on", "before_birth", {"starts_on": dt.date(2004, 1, 1)}, dt.date(2005, 1, 1)),
        (
            "starts_on",
            "chair_terms_overlap",
            {"starts_on": dt.date(2020, 6, 1)},
            dt.date(1980, 1, 1),
        ),
    ],
)
def test_centre_role_assign_refuses_a_role_that_breaks_a_rule(
    chair_a, centre_a, field, code, values, birth_date
):
    CentreRoleFactory(centre=centre_a, starts_on=dt.date(2020, 3, 1))  # the chair since then
    volunteer = VolunteerFactory(birth_date=birth_date)
    error = refusal(
        services.centre_role_assign,
        actor=chair_a,
        centre_role=new_role(volunteer, centre_a, **values),
    )
    assert code_of(error, field) == code
    assert CentreRole.objects.count() == 1


def test_a_chair_terms_overlap_says_when_the_other_chair_serves(chair_a, centre_a):
    CentreRoleFactory(centre=centre_a, starts_on=dt.date(2019, 3, 11))
    error = refusal(
        services.centre_role_assign,
        actor=chair_a,
        centre_role=new_role(VolunteerFactory(), centre_a),
    )
    assert "11" in error.message_dict["starts_on"][0]


def test_centre_role_end_refuses_no_date_an_end_before_the_start_and_another_centre(
    chair_a, chair_b, centre_a
):
    role = CentreRoleFactory(centre=centre_a, starts_on=dt.date(2020, 1, 1))
    error = refusal(services.centre_role_end, actor=chair_a, centre_role=role, ends_on=None)
    assert code_of(error, "ends_on") == "required"
    role = CentreRole.objects.get(pk=role.pk)
    error = refusal(
        services.centre_role_end, actor=chair_a, centre_role=role, ends_on=dt.date(2019, 1, 1)
    )
    assert code_of(error, "ends_on") == "ends_before_start"
    with pytest.raises(PermissionDenied):
        services.centre_role_end(actor=chair_b, centre_role=role, ends_on=dt.date(2021, 1, 1))
    with pytest.raises(PermissionDenied):
        services.centre_role_assign(
            actor=chair_b, centre_role=new_role(role.volunteer, centre_a, role="committee")
        )
    assert CentreRole.objects.get().ends_on is None


# -- the status services' own row ----------------------------------------------------------------


def test_a_status_change_reason_longer_than_its_field_is_refused_by_full_clean(chair_a, centre_a):
    registration = RegistrationFactory(centre=centre_a)
    error = refusal(
        services.registration_suspend,
        actor=chair_a,
        registration=registration,
        on=dt.date(2024, 1, 10),
        reason="ก" * 201,
    )
    assert code_of(error, "reason") == "max_length"
    assert Registration.objects.get(pk=registration.pk).status == "active"
    assert not RegistrationStatusChange.objects.exists()


# -- rules of rows the admin saves itself ---------------------------------------------------------


def test_membership_event_and_attendance_rules_have_their_codes():
    membership = MembershipFactory.build(
        volunteer=VolunteerFactory(), since=dt.date(2020, 1, 1), until=dt.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert code_of(exc.value, "until") == "ends_before_start"
    membership = Membership(
        volunteer=membership.volunteer,
        organisation=membership.organisation,
        since=dt.date(1970, 1, 1),
    )
    membership.organisation.save()
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert code_of(exc.value, "since") == "before_birth"
    event = EventFactory.build(starts_on=dt.date(2020, 1, 2), ends_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        event.full_clean(exclude=["organiser"])
    assert code_of(exc.value, "ends_on") == "ends_before_start"
    event = EventFactory(capacity=1)
    cases = [
        ("hours", "hours_not_attended", {"attended": False, "hours": Decimal("2")}),
        ("hours", "hours_over_event", {"hours": Decimal("25")}),
    ]
    for field, code, values in cases:
        with pytest.raises(ValidationError) as exc:
            Attendance(event=event, volunteer=VolunteerFactory(), **values).full_clean()
        assert code_of(exc.value, field) == code
    AttendanceFactory(event=event)
    with pytest.raises(ValidationError) as exc:
        Attendance(event=event, volunteer=VolunteerFactory()).full_clean()
    assert code_of(exc.value, "event") == "event_full"
    assert Event.objects.count() == 1


# -- the pages write through the services ---------------------------------------------------------


@pytest.fixture
def calls(monkeypatch):
    """The names of the services called, in order (each still runs)."""
    called = []
    for name in (
        "volunteer_register",
        "volunteer_update",
        "registration_create",
        "registration_update",
        "centre_role_assign",
        "centre_role_update",
        "centre_role_end",
    ):
        service = getattr(services, name)

        def spy(*args, _service=service, _name=name, **kwargs):
            called.append(_name)
            return _service(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)
    return called


def test_the_staff_page_registers_through_volunteer_register(client, chair_a, centre_a, calls):
    client.force_login(chair_a)
    response = client.post(
        reverse("volunteers:volunteer-create"),
        registration_post(centre_a, national_id=national_id(903)),
    )
    assert response.status_code == 302
    assert calls == ["volunteer_register"]
    assert Volunteer.objects.get().registrations.get().centre == centre_a


def admin_post(centre, **values) -> dict:
    data = {
        "national_id": national_id(902),
        "first_name": "สมใจ",
        "last_name": "รักดี",
        "title": "นาย",
        "sex": "male",
        "birth_date": "25/05/2523",
        "registrations-TOTAL_FORMS": "2",
        "registrations-INITIAL_FORMS": "0",
        "registrations-0-programme": "apm",
        "registrations-0-centre": centre.pk,
        "registrations-0-number": "12/2562",
        "registrations-0-registered_on": "11/03/2562",
        "registrations-0-status": "active",
        "registrations-1-programme": "aps",
        "registrations-1-centre": centre.pk,
        "registrations-1-number": "",
        "registrations-1-registered_on": "01/06/2563",
        "registrations-1-status": "active",
        "centre_roles-TOTAL_FORMS": "1",
        "centre_roles-INITIAL_FORMS": "0",
        "centre_roles-0-centre": centre.pk,
        "centre_roles-0-role": "chair",
        "centre_roles-0-starts_on": "01/10/2563",
    }
    for prefix in ("memberships", "attendances"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | values


def test_the_admin_saves_a_new_volunteer_their_registrations_and_roles_through_the_services(
    client, chair_a, centre_a, calls
):
    client.force_login(chair_a)
    response = client.post(reverse("admin:volunteers_volunteer_add"), admin_post(centre_a))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert calls == ["volunteer_register", "registration_create", "centre_role_assign"]
    volunteer = Volunteer.objects.get()
    assert sorted(volunteer.registrations.values_list("programme", flat=True)) == ["apm", "aps"]
    assert volunteer.centre_roles.get().role == "chair"
    assert LogEntry.objects.get().object_id == str(volunteer.pk)


def test_the_admin_changes_a_volunteer_and_ends_a_role_through_the_services(
    client, chair_a, centre_a, calls
):
    client.force_login(chair_a)
    client.post(reverse("admin:volunteers_volunteer_add"), admin_post(centre_a))
    volunteer = Volunteer.objects.get()
    registrations = list(volunteer.registrations.order_by("pk"))
    role = volunteer.centre_roles.get()
    data = admin_post(
        centre_a,
        **{
            "registrations-INITIAL_FORMS": "2",
            "centre_roles-INITIAL_FORMS": "1",
            "registrations-0-id": registrations[0].pk,
            "registrations-1-id": registrations[1].pk,
            "registrations-0-volunteer": volunteer.pk,
            "registrations-1-volunteer": volunteer.pk,
            "registrations-1-number": "3/2563",
            "centre_roles-0-id": role.pk,
            "centre_roles-0-volunteer": volunteer.pk,
            "centre_roles-0-ends_on": "30/09/2566",
            "phone": "081 234 5678",
        },
    )
    calls.clear()
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    # The unchanged registration is not saved again, as the admin does.
    assert calls == ["volunteer_update", "registration_update", "centre_role_end"]
    assert Volunteer.objects.get().phone == "+66812345678"
    assert Registration.objects.get(pk=registrations[1].pk).number == "0003/2563"
    assert CentreRole.objects.get().ends_on == dt.date(2023, 9, 30)


def test_the_registration_and_role_admins_save_through_the_services(
    client, chair_a, centre_a, calls
):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    client.force_login(chair_a)
    response = client.post(
        reverse("admin:volunteers_centrerole_add"),
        {
            "volunteer": volunteer.pk,
            "centre": centre_a.pk,
            "role": "committee",
            "starts_on": "01/10/2563",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:volunteers_registration_add"),
        {
            "volunteer": volunteer.pk,
            "programme": "network",
            "centre": centre_a.pk,
            "number": "",
            "registered_on": "01/06/2563",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert calls == ["centre_role_assign", "registration_create"]
