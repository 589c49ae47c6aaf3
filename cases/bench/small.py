"""``bench --small``: every page once on a tiny data set, then again on about twice the rows,
checking query counts and sizes only (no timing).

A page's query count must not grow with the rows: the second data set doubles the volunteers
and cases, adds three districts' centres, and gives the very records the pages show (the case,
its person, the volunteer, the household) twice what they held, so that a query per row of a
list, an inline or a timeline shows as a higher count. Lists stay under one page at both sizes
(25 rows on the staff pages, 100 in the admin), or a capped page would hide it. No page may be
over the size budget either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.bench.data import BENCH_DISTRICT, bench_data_build
from cases.bench.pages import Records, bench_records, bench_requests, bench_users
from cases.bench.run import BUDGET_KB, Result, bench_requests_run
from cases.models import Agency, CaseTransfer, HouseholdMember
from cases.services import (
    assistance_record,
    case_assign_volunteers,
    case_open,
    consent_record,
    referral_create,
    visit_record,
)
from volunteers.models import Attendance, CentreRole, Event, Membership, Organisation, Registration

SMALL_DISTRICTS = [BENCH_DISTRICT, "1002", "5001"]  # Bang Khen, Pom Prap, Mueang Chiang Mai
MORE_DISTRICTS = ["1003", "1004", "1006"]
SMALL_VOLUNTEERS = 30
SMALL_CASES = 30
SMALL_IMPORT_ROWS = 10


@dataclass
class SmallReport:
    """The two passes, page by page (``user:name``)."""

    first: dict[str, Result] = field(default_factory=dict)
    second: dict[str, Result] = field(default_factory=dict)

    def _grown(self) -> dict[str, tuple[int, int]]:
        return {
            key: (result.queries, self.second[key].queries)
            for key, result in self.first.items()
            if key in self.second and self.second[key].queries > result.queries
        }

    @property
    def growing(self) -> dict[str, tuple[int, int]]:
        """Pages whose query count grew with the rows: key -> (queries at N, at 2N)."""
        return {k: v for k, v in self._grown().items() if not self.first[k].per_row}

    @property
    def grows_by_design(self) -> dict[str, tuple[int, int]]:
        """The requests that work row by row, whose queries must grow (none now)."""
        return {k: v for k, v in self._grown().items() if self.first[k].per_row}

    def table(self) -> list[str]:
        """Each request's status, queries at both sizes and size, and what fails."""
        width = max([len(r.name) for r in self.first.values()] + [4])
        lines = [
            f"{'user':<8} {'request':<{width}} {'status':>6} {'queries N':>9} "
            f"{'2N':>5} {'KB 2N':>7}  check"
        ]
        grown, oversized = self._grown(), self.oversized
        for key, first in self.first.items():
            second = self.second.get(key, first)
            check = "refused" if not first.answered and not first.error else ""
            if key in grown:
                check = "grows by design" if first.per_row else "GROWS"
            if key in oversized:
                check += " OVER size"
            if first.error or second.error:
                check += f" FAILED: {first.error or second.error}"
            lines.append(
                f"{first.user:<8} {first.name:<{width}} {second.status:>6} "
                f"{first.queries:>9} {second.queries:>5} {second.kb:>7,.0f}  "
                f"{check.strip()}"
            )
        return lines

    @property
    def oversized(self) -> dict[str, float]:
        """Pages over the size budget at either size (jobs, which are files, aside): KB."""
        return {
            key: result.kb
            for results in (self.first, self.second)
            for key, result in results.items()
            if result.answered and not result.rows and result.kb > BUDGET_KB
        }

    @property
    def changed_status(self) -> dict[str, tuple[int, int]]:
        """Pages that answered differently at the two sizes."""
        return {
            key: (result.status, self.second[key].status)
            for key, result in self.first.items()
            if key in self.second and self.second[key].status != result.status
        }

    @property
    def failed(self) -> dict[str, str]:
        """Requests whose own check failed (a form refused, an import that saved nothing)."""
        return {
            key: result.error
            for results in (self.first, self.second)
            for key, result in results.items()
            if result.error
        }

    def problems(self, known_growing: frozenset[str] | set[str] = frozenset()) -> list[str]:
        """What fails the check, given the pages already known to grow."""
        problems = [f"{key}: {error}" for key, error in self.failed.items()]
        problems += [
            f"{key}: {a} queries at N rows, {b} at 2N"
            for key, (a, b) in self.growing.items()
            if key not in known_growing
        ]
        problems += [f"{key}: {kb:,.0f} KB" for key, kb in self.oversized.items()]
        problems += [
            f"{key}: answered {a} at N rows, {b} at 2N"
            for key, (a, b) in self.changed_status.items()
        ]
        return problems


def _pass(records: Records, import_rows: int, progress: Callable[[str], None]) -> dict[str, Result]:
    results = {}
    for label, user in bench_users().items():
        client = Client()
        client.force_login(user)
        requests = bench_requests(user, records, import_rows=import_rows)
        for result in bench_requests_run(client, label, requests, runs=0, progress=progress):
            results[result.key] = result
    return results


def bench_records_grow(records: Records) -> None:
    """Give each record a page shows twice what it held: visits, help, a consented referral
    and another volunteer on the case, another case of its person, another registration, role,
    membership and attendance of the volunteer, more household members."""
    chair = bench_users()["chair"]
    case, person, centre = records.case, records.person, records.centre
    today = timezone.localdate()
    agency = Agency.objects.order_by("pk").first()
    for _ in range(max(1, case.visits.count())):
        visit_record(
            actor=chair,
            case=case,
            visited_on=today,
            findings="เยี่ยมบ้านอีกครั้ง",
            next_follow_up_on=today + dt.timedelta(days=7),
        )
    assistance_record(
        actor=chair,
        case=case,
        kind="goods",
        given_on=today,
        description="ถุงยังชีพ",
        items=[{"name": "ข้าวสาร", "quantity": 2}],
        provider_centre=centre,
    )
    consent = consent_record(actor=chair, case=case, given_by="self", purpose="ส่งต่อ")
    referral_create(actor=chair, case=case, agency=agency, reason="ส่งต่อ", consent=consent)
    free = Registration.objects.filter(centre=centre, status="active").exclude(
        volunteer__case_assignments__case=case
    )
    if (extra := free.order_by("pk").first()) is not None:
        case_assign_volunteers(actor=chair, case=case, volunteers=[extra.volunteer])
    case_open(
        actor=chair,
        centre=centre,
        person=person,
        intake_channel="walk_in",
        reporter_type="self",
        problems=["housing"],
    )
    volunteer = records.volunteer
    held = {r.programme for r in volunteer.registrations.all()}
    for programme in ("aps", "apmk", "network"):
        if programme not in held:
            Registration.objects.create(
                volunteer=volunteer,
                centre=centre,
                programme=programme,
                registered_on=today - dt.timedelta(days=10),
            )
            break
    CentreRole.objects.create(
        volunteer=volunteer,
        centre=centre,
        role="committee",
        starts_on=today - dt.timedelta(days=10),
    )
    organisation = Organisation.objects.exclude(memberships__volunteer=volunteer).first()
    if organisation is not None:
        Membership.objects.create(volunteer=volunteer, organisation=organisation)
    event = Event.objects.filter(organiser=centre).exclude(attendances__volunteer=volunteer).first()
    if event is not None:
        Attendance.objects.create(event=event, volunteer=volunteer, hours=2)
    if records.household is not None:
        for n in range(max(1, records.household.members.count())):
            HouseholdMember.objects.create(
                household=records.household, name=f"สมาชิก {n}", relation="child"
            )
    # Nothing above may have started a transfer: the case page would lose its forms.
    assert not CaseTransfer.objects.pending().filter(case=case).exists()  # noqa: S101


def small_database_name() -> str:
    """The test database's name, as Django's test runner (and pytest-django) name it."""
    settings_dict = connection.settings_dict
    return settings_dict.get("TEST", {}).get("NAME") or f"test_{settings_dict['NAME']}"


def bench_small(*, seed: int = 2562, progress: Callable[[str], None] = print) -> SmallReport:
    """Build the tiny data set in the current database, request every page as both users,
    double it, request them again; the report compares the two passes."""
    # Under pytest the connection already names the test database (test_<name>, or the
    # TEST_DATABASE_NAME given); from the command, small_database_name() is switched to first.
    name = connection.settings_dict["NAME"]
    if name != small_database_name() and not name.startswith("test_"):
        raise RuntimeError("bench --small writes into the test database only")
    report = SmallReport()
    bench_data_build(
        volunteers=SMALL_VOLUNTEERS,
        cases=SMALL_CASES,
        seed=seed,
        districts=SMALL_DISTRICTS,
        fast=False,
        progress=progress,
    )
    records = bench_records(bench_users()["chair"])
    progress("First pass (N rows)")
    report.first = _pass(records, SMALL_IMPORT_ROWS, progress)
    bench_data_build(
        volunteers=SMALL_VOLUNTEERS,
        cases=SMALL_CASES,
        seed=seed + 1,
        districts=SMALL_DISTRICTS + MORE_DISTRICTS,
        fast=False,
        progress=progress,
    )
    bench_records_grow(records)
    grown = bench_records(bench_users()["chair"])
    progress("Second pass (about 2N rows)")
    # The import's file has twice the rows too.
    report.second = _pass(grown, 2 * SMALL_IMPORT_ROWS, progress)
    return report
