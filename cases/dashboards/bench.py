"""A national-size data set for timing the dashboards, and the timing itself.

The data set lives in a database of its own (``volunteer_centre_bench`` by default) that
``bench_database_use`` creates and migrates, so a benchmark never mixes with real or demo
records: one centre per district (928) under a national centre, about 181,000 volunteers with
their registrations and a chair per centre, and 200,000 cases with a person each, home visits,
assistance and referrals, spread over five fiscal years. Rows are written with bulk_create in
batches; it is deterministic for a given seed. Case events and case counters are not written:
the dashboards do not read them.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from stdnum.th import pin

from cases.models import (
    Agency,
    Assistance,
    Case,
    CaseStatus,
    Person,
    Problem,
    Referral,
    ReferralStatus,
    Urgency,
    Visit,
)
from centres.models import Centre, District, Province
from centres.services import geography_load
from volunteer_centre.thai import fiscal_year
from volunteers.models import CentreRole, Programme, Registration, Volunteer

BATCH = 5000
BENCH_USER = "bench-superuser"


def bench_database_use(name: str, *, fresh: bool) -> bool:
    """Point the default connection at database ``name``, creating (or, when ``fresh``,
    re-creating) and migrating it. Returns whether it already held a data set."""
    default = connections["default"]
    with default._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        quoted = default.ops.quote_name(name)
        if exists and fresh:
            cursor.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
            exists = False
        if not exists:
            cursor.execute(f"CREATE DATABASE {quoted}")
    default.close()
    # As Django's test runner does when it switches to the test database.
    settings.DATABASES["default"]["NAME"] = name
    default.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    return exists and Case.objects.exists()


def _batches(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _save(model, rows: Iterator, progress: Callable[[str], None]) -> list[int]:
    pks = []
    for batch in _batches(rows):
        pks += [obj.pk for obj in model.objects.bulk_create(batch)]
    progress(f"{model.__name__}: {len(pks):,}")
    return pks


def _national_id(n: int) -> str:
    body = f"3{n:011d}"
    return body + pin.calc_check_digit(body)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


@transaction.atomic
def bench_data_build(
    *, volunteers: int, cases: int, seed: int = 2562, progress: Callable[[str], None] = print
) -> None:
    """Write the data set into the (empty) current database."""
    rng = random.Random(seed)  # noqa: S311 - made-up records, not secrets
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=5 * 365)
    geography_load()
    progress("geography loaded")

    national = Centre.objects.create(
        code="NAT", level=Centre.Level.NATIONAL, name_th="ศูนย์ประสานงานอาสาสมัครแห่งชาติ"
    )
    districts = list(District.objects.values_list("code", "province_id", "name_th"))
    centres = Centre.objects.bulk_create(
        Centre(
            code=f"D{code}",
            level=Centre.Level.DISTRICT,
            parent=national,
            province_id=province,
            district_id=code,
            name_th=f"ศูนย์ประสานงาน อพม. {name}",
        )
        for code, province, name in districts
    )
    centre_ids = [c.pk for c in centres]
    # Bigger districts hold more volunteers and cases: weights from 1 to 6.
    weights = [rng.randint(1, 6) for _ in centre_ids]
    progress(f"centres: {len(centres) + 1:,}")

    volunteer_ids = _save(
        Volunteer,
        (
            Volunteer(
                national_id=_national_id(n),
                title=rng.choice(["นาย", "นาง", "นางสาว"]),
                first_name=f"อาสา{n}",
                last_name="ทดสอบ",
                birth_date=_day(rng, dt.date(1950, 1, 1), dt.date(2000, 12, 31)),
            )
            for n in range(1, volunteers + 1)
        ),
        progress,
    )
    programmes = list(Programme.values)
    programme_weights = [70, 15, 8, 2, 2, 3]  # อพม. first, as in the registry
    statuses = ["active"] * 85 + ["suspended"] * 3 + ["ended"] * 12
    home = rng.choices(centre_ids, weights, k=len(volunteer_ids))
    numbers = defaultdict(int)

    def registration(volunteer_id: int, centre_id: int, programme: str) -> Registration:
        registered = _day(rng, first_day, today)
        status = rng.choice(statuses)
        numbers[programme] += 1
        return Registration(
            volunteer_id=volunteer_id,
            centre_id=centre_id,
            programme=programme,
            number=f"{numbers[programme]:06d}/{registered.year + 543}",
            registered_on=registered,
            status=status,
            ended_on=_day(rng, registered, today) if status == "ended" else None,
        )

    def registrations() -> Iterator[Registration]:
        for volunteer_id, centre_id in zip(volunteer_ids, home, strict=True):
            first = rng.choices(programmes, programme_weights)[0]
            yield registration(volunteer_id, centre_id, first)
            if rng.random() < 0.1:  # one in ten also serves in a second programme
                second = rng.choice([p for p in programmes if p != first])
                yield registration(volunteer_id, centre_id, second)

    _save(Registration, registrations(), progress)
    chairs = {}
    for volunteer_id, centre_id in zip(volunteer_ids, home, strict=True):
        chairs.setdefault(centre_id, volunteer_id)
    _save(
        CentreRole,
        (
            CentreRole(centre_id=c, volunteer_id=v, role="chair", starts_on=first_day)
            for c, v in chairs.items()
        ),
        progress,
    )

    _cases_build(rng, cases, centre_ids, weights, first_day, today, progress)


def bench_data_settle() -> None:
    """VACUUM (ANALYZE) the data set just written, outside any transaction: the planner's
    statistics, and the visibility map without which PostgreSQL cannot answer the overdue rule
    from the visit_case_latest index alone. In production autovacuum keeps both; a freshly
    bulk-loaded database has neither, and timing it would measure the load, not the pages."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _cases_build(rng, count, centre_ids, weights, first_day, today, progress) -> None:
    agencies = Agency.objects.bulk_create(
        Agency(name_th=f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{p.name_th}",
               type=Agency.Type.PROVINCIAL_OFFICE, internal=True, province=p)
        for p in Province.objects.all()
    )  # fmt: skip
    agency_ids = [a.pk for a in agencies]
    where = rng.choices(centre_ids, weights, k=count)
    person_ids = _save(
        Person,
        (
            Person(
                first_name=f"ผู้รับบริการ{n}", last_name="ทดสอบ", no_id_reason="unknown", centre_id=c
            )
            for n, c in enumerate(where)
        ),  # fmt: skip
        progress,
    )
    problems = list(Problem.values)
    statuses = list(CaseStatus.values)
    status_weights = [5, 5, 15, 10, 15, 50]
    sequences = defaultdict(int)
    opened_days = {}

    def make_cases() -> Iterator[Case]:
        for person_id, centre_id in zip(person_ids, where, strict=True):
            opened = _day(rng, first_day, today)
            fy = fiscal_year(opened)
            sequences[centre_id, fy] += 1
            status = rng.choices(statuses, status_weights)[0]
            yield Case(
                number=f"D{centre_id}-{fy}-{sequences[centre_id, fy]:05d}",
                centre_id=centre_id,
                fiscal_year=fy,
                sequence=sequences[centre_id, fy],
                person_id=person_id,
                intake_channel="hotline_1300",
                reporter_type="self",
                problems=rng.sample(problems, rng.choice([1, 1, 1, 2, 3])),
                urgency=rng.choices(list(Urgency.values), [80, 15, 5])[0],
                status=status,
                opened_on=opened,
                closed_on=_day(rng, opened, today) if status == "closed" else None,
                closure_reason="resolved" if status == "closed" else "",
            )

    case_ids = []
    for batch in _batches(make_cases()):
        for case in Case.objects.bulk_create(batch):
            case_ids.append(case.pk)
            opened_days[case.pk] = (case.opened_on, case.centre_id)
    progress(f"cases: {len(case_ids):,}")

    def visits() -> Iterator[Visit]:
        for case_id in case_ids:
            opened, _centre = opened_days[case_id]
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                day = _day(rng, opened, today)
                follow = (
                    day + dt.timedelta(days=rng.choice([7, 14, 30])) if rng.random() < 0.7 else None
                )
                yield Visit(case_id=case_id, visited_on=day, findings="เยี่ยมบ้าน",
                            next_follow_up_on=follow)  # fmt: skip

    _save(Visit, visits(), progress)
    _save(
        Assistance,
        (
            Assistance(
                case_id=case_id,
                kind=rng.choice(["money", "goods"]),
                amount=Decimal(rng.choice([600, 1000, 2000, 3000])),
                given_on=_day(rng, opened_days[case_id][0], today),
                provider_centre_id=opened_days[case_id][1],
            )
            for case_id in case_ids
            if rng.random() < 0.5
        ),  # fmt: skip
        progress,
    )
    _save(
        Referral,
        (
            Referral(
                case_id=case_id,
                agency_id=rng.choice(agency_ids),
                referred_on=_day(rng, opened_days[case_id][0], today),
                reason="ส่งต่อ",
                basis="legal_duty",
                basis_note="พ.ร.บ.",
                status=rng.choice(list(ReferralStatus.values)),
            )
            for case_id in case_ids
            if rng.random() < 0.3
        ),  # fmt: skip
        progress,
    )


@dataclass
class Timing:
    name: str
    url: str
    queries: int
    p50: float
    p95: float


def bench_urls() -> list[tuple[str, str]]:
    """Each dashboard level (the widest place of each: Bangkok, Nakhon Ratchasima with 32
    districts, Bang Khen), a filtered page, and every table's export at the nation."""
    urls = [
        ("nation", reverse("dashboards:nation")),
        ("region Northeast", reverse("dashboards:unit", args=["region", "NE"])),
        ("province Nakhon Ratchasima", reverse("dashboards:unit", args=["province", "30"])),
        ("district Bang Khen", reverse("dashboards:unit", args=["district", "1005"])),
        (
            "nation, อพม. and poverty",
            reverse("dashboards:nation") + "?programme=apm&problem=poverty",
        ),
    ]
    for table in ("volunteers", "cases", "problems", "activity"):
        for fmt in ("csv", "xlsx"):
            urls.append(
                (f"export {table}.{fmt}", reverse("dashboards:nation-export", args=[table, fmt]))
            )
    return urls


class _QueryCounter:
    """Counts the statements a request runs, whatever DEBUG says."""

    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def bench_run(*, runs: int, progress: Callable[[str], None] = print) -> list[Timing]:
    """Request every page ``runs`` times (after one warm-up) as a superuser."""
    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    timings = []
    for name, url in bench_urls():
        queries = _QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(url, secure=True, headers={"host": "localhost"})
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url, secure=True, headers={"host": "localhost"})
            times.append((time.perf_counter() - start) * 1000)
        cuts = statistics.quantiles(times, n=20, method="inclusive") if runs > 1 else times * 19
        timings.append(Timing(name, url, queries.count, statistics.median(times), cuts[18]))
        progress(f"{name}: p50 {timings[-1].p50:.0f} ms, p95 {timings[-1].p95:.0f} ms")
    return timings
