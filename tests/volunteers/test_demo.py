"""The demo registry: the counts of the source articles, loaded twice to the same result."""

import pytest
from stdnum.th import pin

from centres.models import Centre
from centres.reference import centres_load
from tests.module_data import made_once
from volunteers.demo import volunteers_demo_load
from volunteers.models import CentreRole, Event, Programme, Registration, Volunteer


def _demo_load() -> None:
    centres_load()
    assert volunteers_demo_load() == []  # no extra logins to print


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The reference centres and the demo registry, loaded once for the module (some five
    seconds a load)."""
    yield from made_once(django_db_blocker, _demo_load)


@pytest.fixture
def demo(_demo_loaded, db):
    """The demo registry, as bin/run loads it."""


def test_loading_twice_changes_nothing(demo):
    counts = (Volunteer.objects.count(), Registration.objects.count(), CentreRole.objects.count())
    numbers = set(Registration.objects.values_list("programme", "number"))
    volunteers_demo_load()
    assert (
        Volunteer.objects.count(),
        Registration.objects.count(),
        CentreRole.objects.count(),
    ) == counts
    assert set(Registration.objects.values_list("programme", "number")) == numbers


def active_apm(code):
    return Registration.objects.filter(
        centre__code=code, programme=Programme.APM, status=Registration.Status.ACTIVE
    ).count()


def test_bang_khen_has_50_active_apm_and_thawi_watthana_19(demo):
    assert active_apm("BKN") == 50
    assert active_apm("TWT") == 19


def test_every_reference_centre_has_one_current_chair_registered_there(demo):
    for centre in Centre.objects.all():
        chair = CentreRole.objects.get(centre=centre, role=CentreRole.Role.CHAIR, ends_on=None)
        assert chair.volunteer.registrations.filter(centre=centre).exists()
    assert Centre.objects.count() == 12


def test_the_national_centre_hosts_foreign_volunteers_with_their_papers(demo):
    foreign = Registration.objects.filter(centre__code="NAT", programme=Programme.FOREIGN)
    assert foreign.count() >= 3
    for registration in foreign.select_related("volunteer"):
        volunteer = registration.volunteer
        assert volunteer.passport_number
        assert volunteer.nationality
        assert volunteer.name_latin
        assert registration.visa_type == "Non-Immigrant O"
        assert registration.work_permit_number
        assert registration.visa_expires_on


def test_the_2017_national_workshop_is_an_event_for_500(demo):
    workshop = Event.objects.get(starts_on="2017-05-25")
    assert workshop.capacity == 500
    assert workshop.organiser.code == "NAT"
    assert "ปริ๊นซ์ พาเลซ มหานาค" in workshop.venue
    assert workshop.attendances.count() > 0


def test_demo_people_are_valid_and_live_in_their_centres_district(demo):
    for volunteer in Volunteer.objects.exclude(national_id=None):
        assert pin.is_valid(volunteer.national_id)
        volunteer.full_clean(validate_constraints=False)
    for registration in Registration.objects.filter(centre__code="BKN").select_related(
        "volunteer__subdistrict"
    ):
        assert registration.volunteer.subdistrict.district_id == "1005"


def test_the_2019_opening_ceremonies_take_place_where_the_article_says(demo):
    ceremonies = Event.objects.filter(kind=Event.Kind.CEREMONY, organiser__code__in=["BKN", "TWT"])
    venues = {e.organiser.code: e.venue for e in ceremonies.select_related("organiser")}
    assert "หมู่บ้านพร้อมสุข" in venues["BKN"]
    assert "ทวีวัฒนา" in venues["TWT"]


def test_this_fiscal_year_has_newcomers_and_a_leaver_at_every_centre(demo):
    from django.utils import timezone

    from volunteer_centre.thai import fiscal_year, fiscal_year_bounds

    today = timezone.localdate()
    start, _end = fiscal_year_bounds(fiscal_year(today))
    for code in ["BKN", "TWT", "KTY", "NAT"]:
        registrations = Registration.objects.filter(centre__code=code)
        assert registrations.filter(registered_on__range=(start, today)).count() == 2
        assert registrations.filter(ended_on__range=(start, today)).count() == 1
    assert not Registration.objects.filter(registered_on__gt=today).exists()
    assert not Registration.objects.filter(ended_on__gt=today).exists()


def test_the_demo_chairs_logins_are_linked_to_their_volunteer_records(reference_centres):
    from django.contrib.auth.models import User

    from centres.demo import demo_users_load

    demo_users_load()
    assert volunteers_demo_load() == []  # every demo chair linked: nothing to report
    volunteers_demo_load()  # idempotent
    for username, code in (("chair_bkn", "BKN"), ("chair_twt", "TWT")):
        user = User.objects.select_related("volunteer").get(username=username)
        chair = CentreRole.objects.current().get(centre__code=code, role=CentreRole.Role.CHAIR)
        assert user.volunteer == chair.volunteer
    assert Volunteer.objects.filter(user__isnull=False).count() == 2


def test_a_chairs_record_linked_by_an_administrator_to_another_account_is_kept(
    reference_centres,
):
    from django.contrib.auth.models import User

    from centres.demo import demo_users_load

    demo_users_load()
    volunteers_demo_load()
    chair = CentreRole.objects.current().get(centre__code="BKN", role=CentreRole.Role.CHAIR)
    other = User.objects.create_user("somchai.bkn")
    Volunteer.objects.filter(pk=chair.volunteer_id).update(user=other)
    lines = volunteers_demo_load()
    assert len(lines) == 1
    assert lines[0].startswith("chair_bkn")
    assert Volunteer.objects.get(pk=chair.volunteer_id).user == other
    assert not Volunteer.objects.filter(user__username="chair_bkn").exists()
