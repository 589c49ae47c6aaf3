import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from cases.demo import cases_demo_load
from cases.models import Agency, Case, CaseEvent, Person, Referral
from cases.reference import agencies_load
from centres.demo import demo_users_load
from tests.factories import RegistrationFactory


def test_starter_agencies_have_one_provincial_office_per_province_but_bangkok(db):
    assert agencies_load() == (Agency.objects.count(), 0)
    offices = Agency.objects.filter(type="provincial_office")
    assert offices.count() == 76
    assert not offices.filter(province_id="10").exists()
    assert offices.get(province_id="50").name_th == (
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่"
    )
    bangkok = Agency.objects.get(province_id="10")
    assert bangkok.internal and "กรมพัฒนาสังคมและสวัสดิการ" in bangkok.name_th
    kinds = set(Agency.objects.values_list("type", flat=True))
    assert {"protection_centre", "shelter", "health", "police", "local_government", "school",
            "foundation"} <= kinds  # fmt: skip


def test_loading_agencies_again_changes_nothing_and_keeps_admin_edits(db):
    agencies_load()
    office = Agency.objects.get(type="provincial_office", province_id="50")
    office.phone = "053 112 233"
    office.active = False
    office.save()
    assert agencies_load() == (0, 0)
    office.refresh_from_db()
    assert (office.phone, office.active) == ("053 112 233", False)


def test_the_app_config_hooks_into_load_reference_data(db):
    summary = apps.get_app_config("cases").load_reference_data()
    assert summary == f"agencies: {Agency.objects.count()} new, 0 changed"


@pytest.fixture
def demo_world(reference_centres):
    demo_users_load()
    # The volunteer registry's demo loads before ours; a few active volunteers at Bang Khen.
    from centres.models import Centre

    bkn = Centre.objects.get(code="BKN")
    return [RegistrationFactory(centre=bkn).volunteer for _ in range(3)]


def test_demo_tells_the_2019_bang_khen_story_and_loads_once(demo_world):
    cases_demo_load()
    story = Case.objects.get(centre__code="BKN", opened_on=dt.date(2019, 3, 11))
    assert story.number == "BKN-2562-0001"
    assert story.status == "referred"
    assert set(story.volunteers.all()) == set(demo_world[:2])
    visit = story.visits.get()
    assert visit.visited_on == dt.date(2019, 3, 11)
    assert set(visit.volunteers.all()) == set(demo_world[:2])
    items = set(story.assistance.get().items.values_list("name", flat=True))
    assert items == {"รถจักรยาน", "ชุดเครื่องอุปโภคบริโภค"}
    referral = story.referrals.get()
    assert referral.consent is not None and referral.status == "accepted"
    assert story.person.household_memberships.get().household.members.count() == 3
    assert Case.objects.filter(centre__district__province_id="10").count() == Case.objects.count()
    assert Case.objects.values("centre").distinct().count() >= 6

    counts = (Person.objects.count(), Case.objects.count(), CaseEvent.objects.count(),
              Referral.objects.count())  # fmt: skip
    cases_demo_load()
    assert counts == (Person.objects.count(), Case.objects.count(), CaseEvent.objects.count(),
                      Referral.objects.count())  # fmt: skip


def test_demo_runs_from_the_command_after_the_volunteers_demo(reference_centres):
    call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    story = Case.objects.get(number="BKN-2562-0001")
    assert story.visits.get().visited_on == dt.date(2019, 3, 11)
    # Whoever the registry's demo put at Bang Khen, only its active volunteers are assigned.
    for volunteer in story.volunteers.all():
        assert volunteer.registrations.filter(centre=story.centre, status="active").exists()
    assert Case.objects.filter(centre__code="BKN", fiscal_year=2562).count() == 1
