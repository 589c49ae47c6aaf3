"""The summary tables the dashboards and the desk read (cases.tallies) equal the live rules
after every kind of write: recomputed here in plain Python from the rows themselves."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import (
    ActiveVolunteer,
    Assistance,
    Case,
    CaseStatus,
    DashboardTally,
    Problem,
    Referral,
    Urgency,
    Visit,
    first_visit_days,
)
from cases.services import (
    CASE_TRANSITIONS,
    assistance_record,
    case_change_status,
    case_transfer_accept,
    case_transfer_request,
    case_update,
    referral_create,
    visit_record,
)
from tests import clock
from tests.cases.factories import AgencyFactory, PersonFactory, open_case
from tests.factories import RegistrationFactory, VolunteerFactory
from tests.volunteers.helpers import csv_file, good_row
from volunteer_centre.thai import fiscal_year
from volunteers.importing import volunteers_import
from volunteers.models import Programme, Registration
from volunteers.services import registration_end, registration_reinstate, registration_suspend


def expected_tallies() -> dict:
    """{(centre, facet, figure, fiscal year): (count, baht)} by the dashboards' live rules."""
    out = defaultdict(lambda: [0, Decimal(0)])

    def add(centre, facets, figure, fy, amount=Decimal(0)):
        for facet in facets:
            out[centre, facet, figure, fy][0] += 1
            out[centre, facet, figure, fy][1] += amount

    facets_of = add_case_tallies(add)
    add_case_work_tallies(add, facets_of)
    for centre, facet, _volunteer in add_registration_tallies(add):
        out[centre, facet, "active", 0][0] += 1
    return {k: tuple(v) for k, v in out.items()}


def add_case_tallies(add) -> dict:
    """Each case's figures through ``add``; returns {case pk: (centre, facets)}."""
    facets_of = {}
    for case in Case.objects.all():
        facets = {"", *case.problems}
        facets_of[case.pk] = (case.centre_id, facets)
        latest = case.visits.order_by("-visited_on", "-pk").first()
        if case.status != CaseStatus.CLOSED:
            add(case.centre_id, facets, f"status_{case.status}", 0)
            add(case.centre_id, facets, f"urgency_{case.urgency}", 0)
            if latest is not None and latest.next_follow_up_on is None:
                add(case.centre_id, facets, "no_due", 0)
        add(case.centre_id, facets, "opened", fiscal_year(case.opened_on))
        if case.closed_on:
            add(case.centre_id, facets, "closed", fiscal_year(case.closed_on))
    return facets_of


def add_case_work_tallies(add, facets_of: dict) -> None:
    """The visits, assistance and referrals through ``add``, counted where their case is."""
    for visit in Visit.objects.all():
        add(*facets_of[visit.case_id], "visits", fiscal_year(visit.visited_on))
    for help_ in Assistance.objects.all():
        add(*facets_of[help_.case_id], "assistance", fiscal_year(help_.given_on), help_.amount)
    for referral in Referral.objects.all():
        for figure in ("referrals", f"referral_{referral.status}"):
            add(*facets_of[referral.case_id], figure, fiscal_year(referral.referred_on))


def add_registration_tallies(add) -> set:
    """The registrations and ended ones through ``add``; returns the active volunteers as
    {(centre, facet, volunteer)}, each counted once."""
    persons = set()
    for reg in Registration.objects.all():
        add(reg.centre_id, {"", reg.programme}, "registered", fiscal_year(reg.registered_on))
        if reg.ended_on:
            add(reg.centre_id, {"", reg.programme}, "ended", fiscal_year(reg.ended_on))
        if reg.status == Registration.Status.ACTIVE:
            persons |= {(reg.centre_id, f, reg.volunteer_id) for f in ("", reg.programme)}
    return persons


def stored_tallies() -> dict:
    return {
        (t.centre_id, t.facet, t.figure, t.fiscal_year): (t.n, t.amount)
        for t in DashboardTally.objects.all()
        if t.n or t.amount
    }


def is_overdue(case: Case, today: dt.date) -> bool:
    """The desk's rule, from the visits themselves."""
    if case.status == CaseStatus.CLOSED:
        return False
    latest = case.visits.order_by("-visited_on", "-pk").first()
    if latest is not None:
        return latest.next_follow_up_on is not None and latest.next_follow_up_on < today
    return case.opened_on < today - dt.timedelta(days=first_visit_days()[case.urgency])


def assert_summaries_equal_the_rows():
    assert stored_tallies() == expected_tallies()
    for case in Case.objects.all():
        latest = case.visits.order_by("-visited_on", "-pk").first()
        assert case.visited == (latest is not None)
        assert case.follow_up_on == (latest.next_follow_up_on if latest else None)
    for today in (
        clock.today(),
        clock.today() + dt.timedelta(days=2),
        clock.today() + dt.timedelta(days=40),
    ):
        live = {c.pk for c in Case.objects.all() if is_overdue(c, today)}
        assert set(Case.objects.overdue(today).values_list("pk", flat=True)) == live
        open_ = set(Case.objects.open().values_list("pk", flat=True))
        no_due = set(
            Case.objects.open().filter(visited=True, follow_up_on=None).values_list("pk", flat=True)
        )
        not_yet = set(Case.objects.not_yet_due(today).values_list("pk", flat=True))
        assert open_ - no_due - not_yet == live
        assert not (not_yet & live)
        assert not (no_due & live)
    placements = {
        a.volunteer_id: sorted(a.placements) for a in ActiveVolunteer.objects.all() if a.placements
    }
    live_placements = defaultdict(set)
    for reg in Registration.objects.filter(status=Registration.Status.ACTIVE):
        live_placements[reg.volunteer_id].add(f"{reg.centre_id}:{reg.programme}")
    assert placements == {v: sorted(p) for v, p in live_placements.items()}


# One write: its kind and the numbers that pick its record and its values.
step = st.tuples(
    st.sampled_from(
        [
            "intake",
            "visit",
            "status",
            "transfer",
            "correct",
            "assist",
            "refer",
            "import",
            "register",
            "suspend",
            "reinstate",
            "end",
        ]
    ),
    st.integers(0, 7),
    st.integers(0, 40),
    st.sampled_from([None, 0, 3, 30]),
    st.sets(st.sampled_from(list(Problem.values)[:4]), min_size=1, max_size=2),
    st.sampled_from(list(Urgency.values)),
)


class Writer:
    def __init__(self, actor, centres):
        self.actor, self.centres, self.imported = actor, centres, 0
        self.agency = AgencyFactory()

    def pick(self, queryset, i):
        rows = list(queryset.order_by("pk"))
        return rows[i % len(rows)] if rows else None

    def run(self, kind, i, days, follow, problems, urgency):
        actor, centre = self.actor, self.centres[i % 2]
        case = self.pick(Case.objects.all(), i)
        reg = self.pick(Registration.objects.all(), i)
        opened = clock.today() - dt.timedelta(days=days)
        if kind == "intake":
            open_case(actor, centre, problems=sorted(problems), urgency=urgency, opened_on=opened)
        elif kind == "visit" and case:
            on = max(case.opened_on, opened)
            follow_up = None if follow is None else on + dt.timedelta(days=follow)
            visit_record(
                actor=actor, case=case, visited_on=on, findings="seen", next_follow_up_on=follow_up
            )
        elif kind == "status" and case:
            to = sorted(CASE_TRANSITIONS[case.status])[i % len(CASE_TRANSITIONS[case.status])]
            case_change_status(
                actor=actor, case=case, to_status=to, closure_reason="resolved", on=clock.today()
            )
        elif kind == "transfer" and case:
            other = next(c for c in self.centres if c.pk != case.centre_id)
            transfer = case_transfer_request(actor=actor, case=case, to_centre=other, reason="x")
            case_transfer_accept(actor=actor, transfer=transfer)
        elif kind == "correct" and case:
            case_update(actor=actor, case=case, problems=sorted(problems), urgency=urgency)
        elif kind == "assist" and case:
            assistance_record(
                actor=actor,
                case=case,
                kind="money",
                given_on=max(case.opened_on, opened),
                amount=Decimal(days * 100 + 50),
                provider_agency=self.agency,
            )
        elif kind == "refer" and case:
            referral_create(
                actor=actor,
                case=case,
                agency=self.agency,
                reason="help",
                referred_on=max(case.opened_on, opened),
                basis="vital_interest",
                basis_note="danger",
            )
        elif kind == "import":
            self.imported += 1
            row = good_row(
                500 + self.imported,
                centre_code=centre.code,
                registration_number=f"{self.imported:04d}/2569",
            )
            report = volunteers_import(actor=actor, content=csv_file([row]), file_name="v.csv")
            assert report.committed, report.rows
            assert report.saved_count == 1, report.rows
        elif kind == "register":
            # The same person at the other centre or in another programme (as the admin
            # saves it): counted once in a row and total spanning both.
            volunteer = reg.volunteer if reg and i % 3 else VolunteerFactory()
            RegistrationFactory(
                volunteer=volunteer, centre=centre, programme=list(Programme.values)[i % 3]
            )
        elif kind in ("suspend", "reinstate", "end") and reg:
            change = {
                "suspend": registration_suspend,
                "reinstate": registration_reinstate,
                "end": registration_end,
            }[kind]
            change(actor=actor, registration=reg, on=clock.today(), reason="moved")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=10))
def test_the_summary_tables_equal_the_live_rules_after_every_kind_of_write(
    db, ministry_admin, centre_a, centre_b, steps
):
    with transaction.atomic():
        writer = Writer(ministry_admin, [centre_a, centre_b])
        for kind, *values in steps:
            try:
                with transaction.atomic():
                    writer.run(kind, *values)
            except (ValidationError, PermissionDenied):
                pass  # a refused write writes nothing; the tallies must still hold
            assert_summaries_equal_the_rows()
        transaction.set_rollback(True)


def test_a_bulk_statement_over_several_rows_keeps_the_tallies(db, ministry_admin, centre_a):
    """Raw and bulk writes (the admin's actions, a shell) go through the triggers too."""
    volunteer = VolunteerFactory()
    for programme in ("apm", "aps"):
        RegistrationFactory(volunteer=volunteer, centre=centre_a, programme=programme)
    cases = [
        open_case(ministry_admin, centre_a, person=PersonFactory(centre=centre_a)) for _ in range(3)
    ]
    Visit.objects.bulk_create(
        [
            Visit(case=c, visited_on=clock.today(), findings="x", next_follow_up_on=None)
            for c in cases
        ]
    )
    Registration.objects.filter(volunteer=volunteer).update(status="suspended")
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(urgency="urgent")
    assert_summaries_equal_the_rows()


def test_the_rebuild_gives_what_the_triggers_kept(db, ministry_admin, centre_a):
    open_case(ministry_admin, centre_a, problems=["poverty", "drugs"])
    RegistrationFactory(centre=centre_a)
    before = stored_tallies()
    with connection.cursor() as cursor:
        cursor.execute("SELECT vc_tallies_rebuild()")
    assert stored_tallies() == before == expected_tallies()


@pytest.mark.parametrize("problem", ["", "poverty"])
def test_the_dashboard_overdue_count_is_the_desks_rule(db, ministry_admin, centre_a, problem):
    from cases.dashboards.levels import NATION_UNIT, reach_for
    from cases.dashboards.queries import Dashboard, Filters

    for days, urgency in ((0, "normal"), (2, "urgent"), (30, "most_urgent")):
        open_case(
            ministry_admin,
            centre_a,
            opened_on=clock.today() - dt.timedelta(days=days),
            urgency=urgency,
        )
    visited = open_case(ministry_admin, centre_a, opened_on=clock.today() - dt.timedelta(days=9))
    visit_record(
        actor=ministry_admin,
        case=visited,
        visited_on=clock.today() - dt.timedelta(days=5),
        findings="x",
        next_follow_up_on=clock.today() - dt.timedelta(days=1),
    )
    dashboard = Dashboard(
        ministry_admin,
        NATION_UNIT,
        reach_for(ministry_admin),
        Filters(fiscal_year(clock.today()), problem=problem),
    )
    overdue = sum(v["overdue"] for v in dashboard.overdue_figures.values())
    assert overdue == Case.objects.overdue(clock.today()).count() == 2
