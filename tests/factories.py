"""factory_boy factories shared by the whole suite. Geography is real (loaded per session)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from stdnum.th import pin

from centres.models import Centre, District, StaffAssignment
from volunteers.models import CentreRole, Programme, Registration, Volunteer


def national_id(n: int) -> str:
    """A valid 13-digit national ID built from a sequence number."""
    body = f"1{n:011d}"
    return body + pin.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-Test-1234")
    is_active = True


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    code = factory.Sequence(lambda n: f"C{n:03d}")
    level = Centre.Level.DISTRICT
    parent = factory.LazyFunction(
        lambda: (
            Centre.objects.filter(level=Centre.Level.NATIONAL).first()
            or Centre.objects.create(code="NAT", level=Centre.Level.NATIONAL, name_th="ศูนย์แห่งชาติ")
        )
    )
    district = factory.LazyFunction(lambda: District.objects.get(code="1005"))
    province = factory.SelfAttribute("district.province")
    name_th = factory.LazyAttribute(lambda o: f"ศูนย์ประสานงาน อพม. {o.district.name_th}")


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory)
    role = StaffAssignment.Role.CHAIR
    centre = factory.SubFactory(CentreFactory)


def also_supervising_the_north(user):
    """``user`` given a supervisor assignment over the North region besides what they hold
    (centre B of the access tests is in Chiang Mai): reads more, writes no more."""
    from centres.roles import roles_sync

    StaffAssignmentFactory(user=user, role="supervisor", centre=None, region_id="N")
    roles_sync(user)
    return user


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    national_id = factory.Sequence(lambda n: national_id(n + 1))
    title = "นาย"
    first_name = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name = "ใจดี"
    birth_date = dt.date(1980, 1, 15)
    sex = "male"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    volunteer = factory.SubFactory(VolunteerFactory)
    programme = Programme.APM
    centre = factory.SubFactory(CentreFactory)
    number = factory.Sequence(lambda n: f"{n + 1:04d}/2562")
    registered_on = dt.date(2019, 3, 11)


class CentreRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CentreRole

    volunteer = factory.SubFactory(VolunteerFactory)
    centre = factory.SubFactory(CentreFactory)
    role = CentreRole.Role.CHAIR
    starts_on = dt.date(2019, 3, 11)


# -- volunteers: organisations, memberships, events, attendance ----------------------------------

from volunteers.models import Attendance, Event, Membership, Organisation  # noqa: E402


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"มูลนิธิอาสาสมัคร {n}")
    kind = Organisation.Kind.VOLUNTEER_ORGANISATION
    country = "TH"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    volunteer = factory.SubFactory(VolunteerFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    since = dt.date(2018, 1, 1)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.TRAINING
    title = factory.Sequence(lambda n: f"อบรมอาสาสมัคร รุ่นที่ {n}")
    organiser = factory.SubFactory(CentreFactory)
    starts_on = dt.date(2019, 6, 1)
    capacity = 100


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    hours = 6
