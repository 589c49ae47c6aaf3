import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from cases.demo import cases_demo_load
from cases.models import Agency, Case, CaseEvent, Person, Referral, Visit
from cases.reference import agencies_load
from centres.demo import demo_users_load
from tests.factories import RegistrationFactory
from volunteer_centre.thai import fiscal_year


def test_starter_agencies_have_one_provincial_office_per_province_but_bangkok(db):
    assert agencies_load() == (Agency.objects.count(), 0)
    offices = Agency.objects.filter(type="provincial_office")
    assert offices.count() == 76
    assert not offices.filter(province_id="10").exists()
    assert offices.get(province_id="50").name_th == (
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดเชียงใหม่"
    )
    bangkok = Agency.objects.get(province_id="10")
    assert bangkok.internal
    assert "กรมพัฒนาสังคมและสวัสดิการ" in bangkok.name_th
    kinds = set(Agency.objects.values_list("type", flat=True))
    assert {
        "protection_centre",
        "shelter",
        "health",
        "police",
        "local_government",
        "school",
        "foundation",
    } <= kinds


def test_loading_agencies_again_changes_nothing_and_keeps_admin_edits(db):
    agencies_load()
    office = Agency.objects.get(type="provincial_office", province_id="50")
    office.phone = "053 112 233"
    office.active = False
    office.save()
    assert agencies_load() == (0, 0)
    office.refresh_from_db()
    assert (office.phone, office.active) == ("053 112 233", False)


def test_reloading_agencies_keeps_what_an_admin_edited_and_restores_what_is_missing(db):
    agencies_load()
    office = Agency.objects.get(type="provincial_office", province_id="50")
    hotline = Agency.objects.get(name_th="ศูนย์ช่วยเหลือสังคม สายด่วน 1300")
    # An administrator corrects the generic list for their needs.
    office.name_en, office.type, office.internal = "Chiang Mai PSDHS office", "other", False
    office.save()
    hotline.delete()
    assert agencies_load() == (1, 0)
    office.refresh_from_db()
    assert (office.name_en, office.type, office.internal) == (
        "Chiang Mai PSDHS office",
        "other",
        False,
    )
    # The missing one comes back whole, with every field of the starter list.
    hotline = Agency.objects.get(name_th="ศูนย์ช่วยเหลือสังคม สายด่วน 1300")
    assert (hotline.name_en, hotline.type, hotline.internal, hotline.province_id) == (
        "Social Assistance Center, hotline 1300",
        "ministry_unit",
        True,
        None,
    )


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
    assert story.status == "closed"
    assert story.closed_on == dt.date(2019, 6, 28)
    assert set(story.volunteers.all()) == set(demo_world[:2])
    visit, follow_up = story.visits.order_by("visited_on")
    assert visit.visited_on == dt.date(2019, 3, 11)
    assert visit.next_follow_up_on == follow_up.visited_on == dt.date(2019, 4, 11)
    assert set(visit.volunteers.all()) == set(demo_world[:2])
    # Told today, the story still happened in 2019: every event is dated on its day.
    days = [timezone.localdate(at) for at in story.events.values_list("at", flat=True)]
    assert min(days) == dt.date(2019, 3, 11)
    assert max(days) == dt.date(2019, 6, 28)
    assert story not in Case.objects.overdue()
    items = set(story.assistance.get().items.values_list("name", flat=True))
    assert items == {"รถจักรยาน", "ชุดเครื่องอุปโภคบริโภค"}
    referral = story.referrals.get()
    assert referral.consent is not None
    assert referral.status == "done"
    assert referral.outcome
    assert story.person.household_memberships.get().household.members.count() == 3
    assert Case.objects.filter(centre__district__province_id="10").count() == Case.objects.count()
    assert Case.objects.values("centre").distinct().count() >= 6

    snapshot = demo_snapshot()
    cases_demo_load()
    assert demo_snapshot() == snapshot


def demo_snapshot():
    """Every demo row with its dates, so that a second load that moved a date would show."""
    return (
        sorted(Person.objects.values_list("pk", "national_id", "first_name")),
        sorted(Case.objects.values_list("number", "opened_on", "status", "closed_on")),
        CaseEvent.objects.count(),
        sorted(Visit.objects.values_list("pk", "visited_on", "next_follow_up_on")),
        sorted(Referral.objects.values_list("pk", "referred_on", "status", "answered_on")),
    )


def test_demo_cases_fill_todays_desk_and_dashboards(demo_world):
    """Loaded on any day, the current fiscal year has open cases, follow-ups fall due this
    week and a few cases are overdue, but not all of them; the 2019 story stays in 2019."""
    cases_demo_load()
    today = timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    open_cases = Case.objects.open()
    assert open_cases.filter(fiscal_year=fiscal_year(today)).count() >= 4
    due = open_cases.with_next_follow_up().filter(
        next_follow_up_on__gte=today, next_follow_up_on__lte=week_end
    )
    assert due.count() >= 2
    overdue = open_cases.overdue(today)
    assert 1 <= overdue.count() < open_cases.count()
    assert not overdue.filter(opened_on=dt.date(2019, 3, 11)).exists()  # closed in 2019
    assert Case.objects.filter(status="closed").exists()
    assert not Case.objects.filter(opened_on__gt=today).exists()
    assert not Visit.objects.filter(visited_on__gt=today).exists()


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 10, 1), dt.date(2026, 10, 4), dt.date(2027, 2, 28), dt.date(2027, 9, 30)],
)
def test_demo_dates_keep_their_order_on_any_day(today):
    """Whatever the day: opened in the past, visits after opening and not after today, the
    follow-up after the visit; the cases of this year in this fiscal year."""
    from cases.demo import other_cases

    for _code, _person, case, steps in other_cases(today):
        opened = case["opened_on"]
        assert opened <= today
        for step in steps:
            if isinstance(step, tuple) and step[0] == "visit":
                visited, follow_up = step[1:]
                assert opened <= visited <= today
                assert follow_up is None or follow_up >= visited
    this_year = [
        c
        for _c, _p, c, _s in other_cases(today)
        if fiscal_year(c["opened_on"]) == fiscal_year(today)
    ]
    assert len(this_year) >= 5


def test_demo_runs_from_the_command_after_the_volunteers_demo(reference_centres):
    call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())
    story = Case.objects.get(number="BKN-2562-0001")
    assert story.visits.earliest("visited_on").visited_on == dt.date(2019, 3, 11)
    # Whoever the registry's demo put at Bang Khen, only its active volunteers are assigned.
    volunteers = list(story.volunteers.all())
    assert volunteers  # the loop below checks something
    for volunteer in volunteers:
        assert volunteer.registrations.filter(centre=story.centre, status="active").exists()
    assert Case.objects.filter(centre__code="BKN", fiscal_year=2562).count() == 1
