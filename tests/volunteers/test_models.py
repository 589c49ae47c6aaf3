"""Model rules: cleaning shared by every form, constraints the database enforces, scope."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from centres.models import Subdistrict
from tests.factories import (
    AttendanceFactory,
    CentreRoleFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    VolunteerFactory,
    national_id,
)
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Organisation,
    Programme,
    Registration,
    Volunteer,
)

pytestmark = pytest.mark.django_db


def thai_volunteer(**values):
    return Volunteer(
        **{
            "national_id": national_id(77),
            "first_name": "สมศรี",
            "last_name": "มีสุข",
            "birth_date": dt.date(1980, 1, 15),
            **values,
        }
    )


def foreign_volunteer(**values):
    return Volunteer(
        **{
            "passport_number": "TZ1234567",
            "nationality": "JP",
            "first_name": "ทาคาชิ",
            "name_latin": "Takashi YAMAMOTO",
            **values,
        }
    )


def errors_of(instance, **kwargs):
    with pytest.raises(ValidationError) as error:
        instance.full_clean(**kwargs)
    return error.value.message_dict


def test_full_clean_stores_what_people_type_in_the_stored_form():
    volunteer = thai_volunteer(
        national_id="๑-๐๐๐๐-๐๐๐๐๐-๗๗-"
        + national_id(77)[-1].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
        phone="081-234-5678",
        first_name="  สม   ศรี ",
    )
    volunteer.full_clean()
    assert volunteer.national_id == national_id(77)
    assert volunteer.phone == "+66812345678"
    assert volunteer.first_name == "สม ศรี"
    assert volunteer.national_id_display == "1-0000-00000-77-" + national_id(77)[-1]
    assert volunteer.phone_display == "081 234 5678"


def test_a_wrong_check_digit_is_refused_on_the_field():
    body = national_id(77)[:12]
    wrong = body + str((int(national_id(77)[-1]) + 1) % 10)
    assert "national_id" in errors_of(thai_volunteer(national_id=wrong))


def test_a_volunteer_has_exactly_one_identity():
    assert "national_id" in errors_of(thai_volunteer(national_id=None))
    both = thai_volunteer(passport_number="TZ1234567", nationality="JP")
    assert "passport_number" in errors_of(both)
    assert "nationality" in errors_of(foreign_volunteer(nationality=""))


def test_a_foreigner_needs_the_name_in_latin_script():
    assert "name_latin" in errors_of(foreign_volunteer(name_latin=""))
    foreign_volunteer().full_clean()


def test_nationality_is_shown_with_its_thai_name_in_thai():
    from django.utils import translation

    volunteer = foreign_volunteer()
    with translation.override("th"):
        assert volunteer.nationality_display == "ญี่ปุ่น"
        assert volunteer.identity_display == "TZ1234567 (ญี่ปุ่น)"


def test_the_postcode_comes_from_the_subdistrict_when_blank_and_must_match_it():
    anusawari = Subdistrict.objects.get(code="100502")
    volunteer = thai_volunteer(subdistrict=anusawari)
    volunteer.full_clean()
    assert volunteer.postcode == anusawari.postcode == "10220"
    assert "postcode" in errors_of(thai_volunteer(subdistrict=anusawari, postcode="50200"))


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    assert "birth_date" in errors_of(thai_volunteer(birth_date=tomorrow))


def registration(volunteer, **values):
    from tests.factories import CentreFactory

    return Registration(
        **{
            "volunteer": volunteer,
            "programme": Programme.APM,
            "centre": CentreFactory(),
            "number": "12/2562",
            "registered_on": dt.date(2019, 3, 11),
            **values,
        }
    )


def test_an_apm_is_at_least_the_minimum_age_on_registration(settings):
    settings.VOLUNTEER_MIN_AGE = 18
    young = thai_volunteer(birth_date=dt.date(2002, 3, 12))  # 16 on 11 March 2019
    assert "registered_on" in errors_of(registration(young), exclude=["volunteer"])
    registration(young, programme=Programme.NETWORK).full_clean(exclude=["volunteer"])
    of_age = thai_volunteer(birth_date=dt.date(2001, 3, 11))
    registration(of_age).full_clean(exclude=["volunteer"])
    settings.VOLUNTEER_MIN_AGE = 20
    assert "registered_on" in errors_of(registration(of_age), exclude=["volunteer"])


def test_a_registration_number_is_normalised_by_full_clean():
    reg = registration(thai_volunteer())
    reg.full_clean(exclude=["volunteer"])
    assert reg.number == "0012/2562"


def test_an_end_date_before_the_start_is_refused_by_clean_and_by_the_database():
    reg = registration(
        thai_volunteer(), status=Registration.Status.ENDED, ended_on=dt.date(2019, 1, 1)
    )
    assert "ended_on" in errors_of(reg, exclude=["volunteer"])
    saved = RegistrationFactory()
    saved.ended_on = saved.registered_on - dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        saved.save()


def test_an_ended_registration_needs_its_end_date():
    reg = registration(thai_volunteer(), status=Registration.Status.ENDED)
    assert "ended_on" in errors_of(reg, exclude=["volunteer"])


def test_a_foreign_volunteer_registration_needs_a_passport_identity():
    reg = registration(thai_volunteer(), programme=Programme.FOREIGN)
    assert "programme" in errors_of(reg, exclude=["volunteer"])
    registration(foreign_volunteer(), programme=Programme.FOREIGN).full_clean(exclude=["volunteer"])


def test_a_second_current_chair_is_refused_by_the_database():
    first = CentreRoleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CentreRole.objects.create(
            volunteer=VolunteerFactory(),
            centre=first.centre,
            role="chair",
            starts_on=dt.date(2020, 1, 1),
        )
    # A past chair does not count, and clean() says so in words before the database must.
    first.ends_on = dt.date(2019, 12, 31)
    first.save()
    CentreRole.objects.create(
        volunteer=VolunteerFactory(),
        centre=first.centre,
        role="chair",
        starts_on=dt.date(2020, 1, 1),
    )
    third = CentreRole(
        volunteer=VolunteerFactory(),
        centre=first.centre,
        role="chair",
        starts_on=dt.date(2021, 1, 1),
    )
    assert "starts_on" in errors_of(third)  # beside the date, not at the top of the form


def test_a_chair_ending_in_the_future_and_a_new_chair_cannot_overlap():
    next_year = timezone.localdate() + dt.timedelta(days=365)
    leaving = CentreRoleFactory(starts_on=dt.date(2019, 3, 11), ends_on=next_year)
    today = timezone.localdate()
    new = CentreRole(
        volunteer=VolunteerFactory(), centre=leaving.centre, role="chair", starts_on=today
    )
    with translation.override("en"):
        assert "already has a chair from" in errors_of(new)["starts_on"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        new.save()
    # The day after the old term ends, the new one may begin; a committee member may overlap.
    new.starts_on = next_year + dt.timedelta(days=1)
    new.full_clean()
    new.save()
    CentreRoleFactory(centre=leaving.centre, role="committee", starts_on=today)
    assert list(CentreRole.objects.filter(role="chair").current()) == [leaving]
    assert list(CentreRole.objects.filter(role="chair").current(new.starts_on)) == [new]


def test_a_blank_national_id_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(national_id="", first_name="สมศรี")
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(national_id="123456789012x", first_name="สมศรี")


def test_a_registration_date_before_the_ministry_is_refused_with_the_year_hint():
    errors = errors_of(
        registration(thai_volunteer(), registered_on=dt.date(1476, 3, 11)), exclude=["volunteer"]
    )
    assert "2002" in errors["registered_on"][0]
    assert "พ.ศ. เป็น ค.ศ." in errors["registered_on"][0]
    # The day the ministry was founded is the first a registration may have.
    registration(thai_volunteer(), registered_on=dt.date(2002, 10, 3)).full_clean(
        exclude=["volunteer"]
    )
    errors = errors_of(
        registration(thai_volunteer(), registered_on=dt.date(2002, 10, 2)), exclude=["volunteer"]
    )
    assert "2002" in errors["registered_on"][0]
    foreign = registration(
        foreign_volunteer(birth_date=dt.date(1990, 1, 1)),
        programme=Programme.FOREIGN,
        service_starts_on=dt.date(1476, 5, 1),
        visa_expires_on=dt.date(1989, 5, 1),
    )
    errors = errors_of(foreign, exclude=["volunteer"])
    assert "1900" in errors["service_starts_on"][0]
    assert "visa_expires_on" in errors


def test_centre_roles_and_memberships_are_not_older_than_the_volunteer():
    volunteer = VolunteerFactory(birth_date=dt.date(1990, 1, 1))
    role = CentreRole(
        volunteer=volunteer,
        centre=CentreRoleFactory().centre,
        role="secretary",
        starts_on=dt.date(1476, 3, 11),
    )
    assert "2002" in errors_of(role)["starts_on"][0]
    membership = Membership(
        volunteer=volunteer, organisation=OrganisationFactory(), since=dt.date(1985, 1, 1)
    )
    assert "since" in errors_of(membership)


def test_an_apm_registration_needs_the_birth_date():
    errors = errors_of(registration(thai_volunteer(birth_date=None)), exclude=["volunteer"])
    assert "วันเกิด" in errors["programme"][0]
    registration(thai_volunteer(birth_date=None), programme=Programme.NETWORK).full_clean(
        exclude=["volunteer"]
    )


def test_a_duplicate_national_id_or_passport_is_refused_by_the_database():
    VolunteerFactory(national_id=national_id(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        VolunteerFactory(national_id=national_id(5))
    foreign_volunteer().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        foreign_volunteer().save()
    foreign_volunteer(nationality="KR").save()  # the same number from another country


def test_a_registration_number_is_unique_within_its_programme_only():
    RegistrationFactory(number="0001/2562", programme=Programme.APM)
    RegistrationFactory(number="0001/2562", programme=Programme.APS)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(number="0001/2562", programme=Programme.APM)


def test_training_hours_count_attended_trainings_and_workshops_only():
    volunteer = VolunteerFactory()
    AttendanceFactory(volunteer=volunteer, hours=6)
    AttendanceFactory(volunteer=volunteer, hours=3, event=EventFactory(kind=Event.Kind.WORKSHOP))
    AttendanceFactory(volunteer=volunteer, hours=2, event=EventFactory(kind=Event.Kind.MEETING))
    AttendanceFactory(volunteer=volunteer, hours=0, attended=False)
    assert volunteer.training_hours() == Decimal("9")
    annotated = Volunteer.objects.with_training_hours().get(pk=volunteer.pk)
    assert annotated.total_training_hours == annotated.training_hours() == Decimal("9")


def test_training_hours_of_a_list_cost_one_query(django_assert_num_queries):
    for _ in range(20):
        AttendanceFactory(hours=4)
    with django_assert_num_queries(1):
        hours = [v.training_hours() for v in Volunteer.objects.with_training_hours()]
    assert hours == [Decimal("4")] * 20


def test_hours_must_fit_the_event_and_need_attendance():
    event = EventFactory(starts_on=dt.date(2019, 6, 1), ends_on=dt.date(2019, 6, 2))
    volunteer = VolunteerFactory()
    assert "hours" in errors_of(Attendance(event=event, volunteer=volunteer, hours=49))
    assert "hours" in errors_of(
        Attendance(event=event, volunteer=volunteer, hours=3, attended=False)
    )
    Attendance(event=event, volunteer=volunteer, hours=48).full_clean()


def test_a_full_event_takes_no_more_attendance():
    event = EventFactory(capacity=1)
    AttendanceFactory(event=event)
    assert "event" in errors_of(Attendance(event=event, volunteer=VolunteerFactory(), hours=1))


def test_a_volunteer_attends_an_event_once():
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(event=attendance.event, volunteer=attendance.volunteer)


def test_events_and_attendance_are_seen_by_the_organiser_centre_only(chair_a, chair_b, centre_a):
    attendance = AttendanceFactory(event=EventFactory(organiser=centre_a))
    assert list(Event.objects.visible_to(chair_a)) == [attendance.event]
    assert list(Attendance.objects.visible_to(chair_a)) == [attendance]
    assert not Event.objects.visible_to(chair_b).exists()
    assert not Attendance.objects.visible_to(chair_b).exists()


def test_memberships_follow_the_volunteers_scope(chair_a, chair_b, centre_a):
    membership = MembershipFactory()
    RegistrationFactory(volunteer=membership.volunteer, centre=centre_a)
    assert list(Membership.objects.visible_to(chair_a)) == [membership]
    assert not Membership.objects.visible_to(chair_b).exists()


def test_organisations_are_shared_but_not_with_users_without_a_scope(chair_b):
    from tests.factories import UserFactory

    organisation = OrganisationFactory()
    assert list(Organisation.objects.visible_to(chair_b)) == [organisation]
    assert not Organisation.objects.visible_to(UserFactory()).exists()


def test_a_membership_ends_after_it_starts():
    membership = MembershipFactory.build(
        volunteer=VolunteerFactory(),
        organisation=OrganisationFactory(),
        since=dt.date(2020, 1, 1),
        until=dt.date(2019, 1, 1),
    )
    assert "until" in errors_of(membership)
