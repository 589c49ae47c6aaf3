"""A small, deterministic world of centres, volunteers and cases for the dashboard tests, and
the same figures computed again in plain Python over the objects the factories returned."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from cases.models import CaseStatus, Problem, ReferralStatus, Urgency, first_visit_days
from centres.models import Centre, District, Province
from tests.dashboards.factories import (
    AssistanceFactory,
    CaseFactory,
    ReferralFactory,
    VisitFactory,
)
from tests.factories import CentreFactory, CentreRoleFactory, RegistrationFactory
from volunteer_centre.thai import fiscal_year_bounds
from volunteers.models import Programme

FY = 2562  # 1 Oct 2018 - 30 Sep 2019
# Both edges of FY2562 and dates on either side, so a wrong bound moves a count.
DATES = [
    dt.date(2018, 9, 30),
    dt.date(2018, 10, 1),
    dt.date(2019, 3, 11),
    dt.date(2019, 9, 30),
    dt.date(2019, 10, 1),
    dt.date(2017, 5, 25),
]
BANGKOK_DISTRICTS = ["1005", "1048", "1001"]  # Bang Khen, Thawi Watthana, Phra Nakhon


@dataclass
class World:
    national: Centre
    centres: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    assistance: list = field(default_factory=list)
    referrals: list = field(default_factory=list)


def build_world(
    scale: int = 1, seed: int = 62, prefix: str = "W", districts=BANGKOK_DISTRICTS
) -> World:
    """Centres in Bangkok ``districts`` (two in the first, Bang Khen, one of them closed), a
    Bangkok centre without a district, one in Chiang Mai, the national centre; ``scale``
    multiplies the volunteers and cases of each. Call again with another ``prefix`` to grow it."""
    rng = random.Random(seed)
    national, new_national = Centre.objects.get_or_create(
        level=Centre.Level.NATIONAL, defaults={"code": "NAT", "name_th": "ศูนย์แห่งชาติ"}
    )
    world = World(national=national)
    bangkok = Province.objects.get(code="10")
    for i, code in enumerate([*districts, districts[0], "5001"]):
        world.centres.append(
            CentreFactory(
                code=f"{prefix}{i}", parent=national, district=District.objects.get(code=code)
            )
        )
    world.centres[len(districts)].status = Centre.Status.CLOSED
    world.centres[len(districts)].save()
    world.centres.append(
        CentreFactory(
            code=f"{prefix}PR",
            parent=national,
            level=Centre.Level.PROVINCIAL,
            district=None,
            province=bangkok,
            name_th="ศูนย์ระดับจังหวัด",
        )
    )
    if new_national:  # a second call grows the world without a second national chair
        world.centres.append(national)

    programmes = list(Programme.values)
    for centre in world.centres:
        for _ in range(4 * scale):
            registered = rng.choice(DATES)
            status = rng.choice(["active", "active", "suspended", "ended"])
            ended = rng.choice([d for d in DATES if d >= registered]) if status == "ended" else None
            reg = RegistrationFactory(
                centre=centre,
                programme=rng.choice(programmes),
                status=status,
                registered_on=registered,
                ended_on=ended,
            )
            world.registrations.append(reg)
            roll = rng.random()
            if roll < 0.3:  # the same person in a second programme at the same centre
                other = rng.choice([p for p in programmes if p != reg.programme])
                world.registrations.append(
                    RegistrationFactory(
                        volunteer=reg.volunteer, centre=centre, programme=other, status="active"
                    )
                )
            elif roll < 0.45:  # the same person, same programme, at a centre elsewhere
                world.registrations.append(
                    RegistrationFactory(
                        volunteer=reg.volunteer,
                        centre=rng.choice(world.centres),
                        programme=reg.programme,
                        status="active",
                    )
                )
        if centre != world.centres[2]:  # the third has no chair, the second's stepped down
            ends = dt.date(2019, 6, 1) if centre == world.centres[1] else None
            world.roles.append(CentreRoleFactory(centre=centre, ends_on=ends))
        for _ in range(3 * scale):
            world.cases.append(_case(rng, centre, world))
    # A committee member is not a chair; a case closed on the last day of the year counts.
    world.roles.append(CentreRoleFactory(centre=world.centres[0], role="committee"))
    world.cases.append(
        CaseFactory(
            centre=world.centres[0],
            status="closed",
            opened_on=dt.date(2018, 10, 1),
            closed_on=dt.date(2019, 9, 30),
        )
    )
    return world


def _case(rng, centre, world):
    status = rng.choice(list(CaseStatus.values))
    opened = rng.choice(DATES)
    case = CaseFactory(
        centre=centre,
        status=status,
        urgency=rng.choice(list(Urgency.values)),
        problems=rng.sample(list(Problem.values), rng.choice([1, 1, 2])),
        opened_on=opened,
        closed_on=rng.choice([d for d in DATES if d >= opened]) if status == "closed" else None,
    )
    for _ in range(rng.choice([0, 1, 2])):
        visited = rng.choice([d for d in DATES if d >= opened])
        follow = rng.choice([None, visited + dt.timedelta(days=7), dt.date(2100, 1, 1)])
        world.visits.append(VisitFactory(case=case, visited_on=visited, next_follow_up_on=follow))
    if rng.random() < 0.6:
        world.assistance.append(
            AssistanceFactory(
                case=case,
                given_on=rng.choice(DATES),
                amount=Decimal(rng.choice(["3000.00", "600.50", "1250.00", "0.00"])),
            )
        )
    if rng.random() < 0.6:
        world.referrals.append(
            ReferralFactory(
                case=case,
                referred_on=rng.choice(DATES),
                status=rng.choice(list(ReferralStatus.values)),
            )
        )
    return case


# ---------------------------------------------------------------------------------------------
# The figures again, in plain Python
# ---------------------------------------------------------------------------------------------


def place_of(centre: Centre):
    """The province a centre counts in: its district's when it has one, else its own."""
    return centre.district.province if centre.district_id else centre.province


def row_key(level: str, centre: Centre):
    province = place_of(centre)
    if level == "nation":
        return province.region_id if province else None
    if level == "region":
        return province.pk if province else None
    return {"province": centre.district_id, "district": centre.pk}[level]


def inside(level: str, code: str, centre: Centre) -> bool:
    province = place_of(centre)
    if level == "nation":
        return True
    if level == "region":
        return province is not None and province.region_id == code
    if level == "province":
        return province is not None and province.pk == code
    return centre.district_id == code


def expected_figures(world, level, code, visible, *, fy=FY, programme="", problem="", today=None):
    """{row key: {column: value}} and the total row, for centres whose pk is in ``visible``."""
    today = today or timezone.localdate()
    start, end = fiscal_year_bounds(fy)
    in_fy = lambda d: d is not None and start <= d <= end  # noqa: E731
    rows = defaultdict(lambda: defaultdict(int))

    def counted(centre):
        return centre.pk in visible and inside(level, code, centre)

    def case_counted(case):
        return counted(case.centre) and (not problem or problem in case.problems)

    total_persons = count_registrations(world, level, counted, in_fy, programme, rows)
    count_centres(world, level, counted, today, rows)
    count_cases(world, level, case_counted, in_fy, problem, today, rows)
    count_case_work(world, level, case_counted, in_fy, rows)
    return rows, total_row(rows, total_persons)


def count_registrations(world, level, counted, in_fy, programme, rows):
    """Registrations and ended ones in the year into ``rows``, and the active volunteers of
    each row (a person counted once a row); returns {column: volunteer ids} of the total."""
    persons = defaultdict(lambda: defaultdict(set))  # row -> column -> volunteer ids
    total_persons = defaultdict(set)
    programmes = [programme] if programme else list(Programme.values)
    for reg in world.registrations:
        if not counted(reg.centre) or reg.programme not in programmes:
            continue
        k = row_key(level, reg.centre)
        if reg.status == "active":
            for column in (f"active_{reg.programme}", "active"):
                persons[k][column].add(reg.volunteer_id)
                total_persons[column].add(reg.volunteer_id)
        rows[k]["registered"] += in_fy(reg.registered_on)
        rows[k]["ended"] += in_fy(reg.ended_on)
    for k, columns in persons.items():
        for column, ids in columns.items():
            rows[k][column] = len(ids)
    return total_persons


def count_centres(world, level, counted, today, rows):
    """The active centres and their chairs of ``today`` into ``rows``."""
    for centre in world.centres:
        if counted(centre) and centre.status == "active":
            k = row_key(level, centre)
            rows[k]["centres"] += 1
            rows[k]["chairs"] += sum(
                1
                for r in world.roles
                if r.centre_id == centre.pk
                and r.role == "chair"
                and r.starts_on <= today
                and (r.ends_on is None or r.ends_on >= today)
            )


def count_cases(world, level, case_counted, in_fy, problem, today, rows):
    """The open cases by status and urgency, the overdue ones, and those opened and closed in
    the year (by problem too) into ``rows``."""
    problems = [problem] if problem else list(Problem.values)
    for case in world.cases:
        if not case_counted(case):
            continue
        k = row_key(level, case.centre)
        if case.status != "closed":
            rows[k][f"status_{case.status}"] += 1
            rows[k]["open"] += 1
            rows[k][f"urgency_{case.urgency}"] += 1
            rows[k]["overdue"] += is_overdue(case, world.visits, today)
        rows[k]["opened"] += in_fy(case.opened_on)
        rows[k]["closed"] += in_fy(case.closed_on)
        for p in problems:
            rows[k][f"problem_{p}"] += in_fy(case.opened_on) and p in case.problems


def count_case_work(world, level, case_counted, in_fy, rows):
    """The visits, assistance (and its baht) and referrals (by status) of the year into
    ``rows``."""
    for visit in world.visits:
        if case_counted(visit.case) and in_fy(visit.visited_on):
            rows[row_key(level, visit.case.centre)]["visits"] += 1
    for help_ in world.assistance:
        if case_counted(help_.case) and in_fy(help_.given_on):
            k = row_key(level, help_.case.centre)
            rows[k]["assistance"] += 1
            rows[k]["baht"] += help_.amount
    for referral in world.referrals:
        if case_counted(referral.case) and in_fy(referral.referred_on):
            k = row_key(level, referral.case.centre)
            rows[k]["referrals"] += 1
            rows[k][f"referral_{referral.status}"] += 1


def total_row(rows, total_persons):
    """The sum of the rows, but each active volunteer counted once however many rows."""
    total = defaultdict(int)
    for columns in rows.values():
        for column, value in columns.items():
            total[column] += value
    for column, ids in total_persons.items():
        total[column] = len(ids)
    return total


def is_overdue(case, visits, today) -> bool:
    mine = [v for v in visits if v.case_id == case.pk]
    if mine:
        latest = max(mine, key=lambda v: (v.visited_on, v.pk))
        return latest.next_follow_up_on is not None and latest.next_follow_up_on < today
    return case.opened_on < today - dt.timedelta(days=first_visit_days()[case.urgency])


@pytest.fixture
def world(db):
    return build_world()


# ---------------------------------------------------------------------------------------------
# Reading the figures back from a page
# ---------------------------------------------------------------------------------------------


class FigureParser(HTMLParser):
    """{table slug: {row key ("total" for the total row): {column: text, "_label": text}}}."""

    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.column = {}, None, None, None
        self.in_label = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.table = self.tables.setdefault(attrs["data-table"], {})
        elif tag == "tr" and self.table is not None and "data-row" in attrs:
            self.row = self.table.setdefault(attrs["data-row"], {})
        elif tag == "td" and self.row is not None and "data-column" in attrs:
            self.column = attrs["data-column"]
            self.row[self.column] = ""
        elif tag == "th" and self.row is not None:
            self.in_label = True
            self.row["_label"] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.column = None
        elif tag == "th":
            self.in_label = False
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.column is not None:
            self.row[self.column] += data.strip()
        elif self.in_label:
            self.row["_label"] += data.strip()


def page_figures(html: str) -> dict:
    parser = FigureParser()
    parser.feed(html)
    return parser.tables


def number(text: str):
    """A figure as the page prints it (3,000.50) read back as a number."""
    plain = text.replace(",", "")
    return Decimal(plain) if "." in plain else int(plain)
