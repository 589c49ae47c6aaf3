"""The national data set of the whole-site benchmark, written with PostgreSQL's COPY.

``bench_database_use`` points the default connection at a database of its own (created and
migrated), so a benchmark never mixes with real or demo records. ``bench_data_build`` then
writes, deterministically for a seed:

- the national centre and one district centre per district (928), each with a chair user
  (a ``chair`` staff assignment, groups synced by ``centres.roles.roles_sync``) and a volunteer
  chair (CentreRole); a ministry administrator user who is not a superuser (``bench-ministry``)
  and the chair of Bang Khen (``bench-chair``), the two users the pages are requested as;
- volunteers (Thai names and national IDs, a few foreign ones with passports) with their
  registrations (one in ten in a second programme; numbers ``NNNN/BE year``), the history of
  each suspension and ending, memberships of organisations, events and attendance;
- one person per case (Thai names from common first and family names, nine in ten with a
  national ID), cases numbered as the intake numbers them (``D1005-2568-0001``) with the
  centres' case counters set to match, their events (opened, status, visit, assistance,
  referral, assigned: the timeline and the desk's activity), home visits, assistance (goods
  with an item line), consents, referrals, assigned volunteers and households; one transfer
  waiting for Bang Khen's answer and one it sent, made through the services.

The big tables are written with ``COPY … FROM STDIN`` from an in-memory buffer per batch, their
secondary indexes dropped first and built again afterwards (``fast``), which is what makes a
national data set fit in minutes. Calling it again adds to the data set (``--small`` grows its
data set that way). ``bench_data_settle`` then runs ``VACUUM (ANALYZE)``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, models, transaction
from django.utils import timezone
from stdnum.th import pin

from cases import tallies
from cases.models import (
    Agency,
    Assistance,
    AssistanceItem,
    Case,
    CaseAssignment,
    CaseCounter,
    CaseEvent,
    CaseTransfer,
    Consent,
    Household,
    HouseholdMember,
    IntakeChannel,
    Person,
    Problem,
    Referral,
    ReferralStatus,
    ReporterType,
    Urgency,
    Visit,
)
from cases.reference import agencies_load
from cases.services import case_transfer_request
from centres.models import Centre, District, StaffAssignment, Subdistrict
from centres.roles import groups_load, roles_sync
from centres.services import geography_load
from volunteer_centre.thai import fiscal_year
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Organisation,
    Registration,
    RegistrationStatusChange,
    Volunteer,
    VolunteerImport,
)

# The chair the pages are requested as works at the centre of Bang Khen (เขตบางเขน).
BENCH_DISTRICT = "1005"
MINISTRY_USERNAME = "bench-ministry"
CHAIR_USERNAME = "bench-chair"
# Lines per COPY statement: big enough that a statement's overhead does not count, small enough
# that the buffer stays a few megabytes.
COPY_BATCH = 20_000

FIRST_NAMES_MALE = [
    "สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สมพงษ์", "บุญมี", "สุรชัย", "ประยุทธ", "อนันต์",
    "ธนากร", "ณัฐพล", "กิตติพงษ์", "วีระ", "สุทธิพงษ์", "ชัยวัฒน์", "ธีรศักดิ์", "มานพ", "สมบัติ",
    "บุญเลิศ", "ปัญญา", "อำนาจ", "เกียรติศักดิ์", "ศักดิ์ชัย", "พงศกร", "ภานุวัฒน์",
]  # fmt: skip
FIRST_NAMES_FEMALE = [
    "สมศรี", "มาลี", "สมหญิง", "บุญเรือน", "ประไพ", "วันเพ็ญ", "สุนีย์", "กาญจนา", "อรุณี",
    "นภัสสร", "ปิยะนุช", "สุภาพร", "รัตนา", "จันทร์เพ็ญ", "พรทิพย์", "ศิริพร", "วรรณา", "อัญชลี",
    "ลำดวน", "ทองใบ", "บุษบา", "ชนิดา", "สุดารัตน์", "กัลยา", "นงลักษณ์",
]  # fmt: skip
LAST_NAMES = [
    "ศรีสุข", "ใจดี", "แสงทอง", "บุญมา", "สุขสวัสดิ์", "ทองดี", "พรหมมา", "จันทร์แก้ว",
    "วงศ์สวัสดิ์", "รุ่งเรือง", "ศรีสวัสดิ์", "แก้วมณี", "สายสุวรรณ", "ประเสริฐสุข", "มีสุข",
    "ทองคำ", "เพชรรัตน์", "สิทธิชัย", "บุญเรือง", "ชัยมงคล", "พึ่งบุญ", "อินทร์แก้ว", "คำภา",
    "ศรีวงศ์", "นาคประเสริฐ", "เจริญผล", "ยิ้มแย้ม", "สมบูรณ์", "ปานทอง", "กองแก้ว",
    "วิเศษศักดิ์", "มั่นคง", "อ่อนศรี", "จำปาทอง", "ดวงดี", "ไชยวงศ์", "บัวแก้ว", "ทองมา",
    "หอมจันทร์", "ศรีประเสริฐ",
]  # fmt: skip
ORGANISATIONS = [
    "มูลนิธิเพื่อนหญิง", "มูลนิธิกระจกเงา", "เครือข่ายอาสาสมัครชุมชน", "สภาเด็กและเยาวชน",
    "ชมรมผู้สูงอายุ", "สมาคมคนพิการ", "มูลนิธิสร้างเสริมไทย", "เครือข่ายจิตอาสาพระราชทาน",
    "ชมรมอาสาสมัครสาธารณสุข", "มูลนิธิบ้านพักฉุกเฉิน",
]  # fmt: skip

PROGRAMME_WEIGHTS = {"apm": 70, "aps": 15, "apmk": 8, "ministry": 2, "foreign": 2, "network": 3}
REGISTRATION_STATUSES = ["active"] * 85 + ["suspended"] * 3 + ["ended"] * 12
CASE_STATUS_WEIGHTS = {"new": 5, "assessing": 5, "assisting": 15, "referred": 10,
                       "monitoring": 15, "closed": 50}  # fmt: skip
VISITS_PER_CASE = [0, 1, 1, 2, 3]  # 1.4 on average
ASSISTANCE_SHARE = 0.5
REFERRAL_SHARE = 0.3
ASSIGNED_SHARE = 0.3
HOUSEHOLD_SHARE = 0.1
MEMBERSHIP_SHARE = 0.1
PERSON_ID_SHARE = 0.9
PERSON_BORN_FROM, PERSON_BORN_TO = dt.date(1940, 1, 1), dt.date(2015, 12, 31)
AMOUNTS = ("600.00", "1000.00", "2000.00", "3000.00")
INTAKE_CHANNELS = tuple(IntakeChannel.values)
REPORTER_TYPES = tuple(ReporterType.values)
URGENCIES, URGENCY_WEIGHTS = tuple(Urgency.values), (80, 15, 5)
REFERRAL_STATUSES = tuple(ReferralStatus.values)
VISIT_FINDINGS = "เยี่ยมบ้าน พบผู้รับบริการและครอบครัว"
CONSENT_PURPOSE = "ส่งต่อข้อมูลเพื่อรับความช่วยเหลือ"
REFERRAL_REASON = "ส่งต่อเพื่อรับการช่วยเหลือ"
LEGAL_BASIS_NOTE = "พ.ร.บ.คุ้มครองเด็ก พ.ศ. 2546"
N = "\\N"  # COPY's NULL


def _national_id(prefix: str, n: int) -> str:
    body = f"{prefix}{n:011d}"
    return body + pin.calc_check_digit(body)


def volunteer_national_id(n: int) -> str:
    """The national ID of the ``n``-th volunteer the builder writes (3… : a valid check digit)."""
    return _national_id("3", n)


def person_national_id(n: int) -> str:
    return _national_id("1", n)


# -- the database --------------------------------------------------------------------------------


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


def bench_database_drop(name: str) -> None:
    """Drop database ``name`` (the ``--small`` run's, once checked)."""
    default = connections["default"]
    default.close()
    with default._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {default.ops.quote_name(name)} WITH (FORCE)")


def bench_data_settle() -> None:
    """VACUUM (ANALYZE) the data set just written, outside any transaction: the planner's
    statistics, and the visibility map without which PostgreSQL cannot answer the overdue rule
    from the visit_case_latest index alone. In production autovacuum keeps both; a freshly
    bulk-loaded database has neither, and timing it would measure the load, not the pages."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# -- COPY ----------------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, list):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"no COPY text for {type(value).__name__}")


class _Table:
    """The rows of one model waiting for COPY: ``columns`` are given per row, every other
    concrete field gets its default (or NULL), written once as the end of each line."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = [fields[name].column for name in columns]
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns]
        self.columns += [f.column for f in rest]
        self.suffix = "".join("\t" + _cell(f.get_default()) for f in rest)
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0
        self.next_id = 0  # set by _Loader

    def add(self, *values) -> None:
        """A row of ``columns``' values, any Python type COPY text is made of."""
        self.line("\t".join(map(_cell, values)))

    def line(self, text: str) -> None:
        """A row already written as COPY text (the hot loops' way)."""
        self.buffer.write(text + self.suffix + "\n")
        self.pending += 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def flush(self, cursor) -> None:
        if not self.pending:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        self.buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.buffer)
        self.written += self.pending
        self.buffer = io.StringIO()
        self.pending = 0


class _Loader:
    """Tables written together, flushed in the order given so that every foreign key finds its
    row: parents come first."""

    def __init__(
        self,
        tables: dict[type[models.Model], Sequence[str]],
        *,
        fast: bool,
        say: Callable[[str], None],
    ):
        self.say = say
        self.tables = {model: _Table(model, columns) for model, columns in tables.items()}
        self.fast = fast
        self.rebuild: list[str] = []
        with connection.cursor() as cursor:
            for table in self.tables.values():
                name = table.model._meta.db_table
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {name}")  # noqa: S608
                table.next_id = cursor.fetchone()[0]

    def __getitem__(self, model: type[models.Model]) -> _Table:
        return self.tables[model]

    def __enter__(self) -> _Loader:
        if self.fast:
            self._drop_indexes()
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            return
        self.flush()
        self.say(f"rows copied; {len(self.rebuild)} indexes and foreign keys to make again")
        with connection.cursor() as cursor:
            for table in self.tables.values():
                name = table.model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                    [name, table.next_id],
                )
            for statement in self.rebuild:
                cursor.execute(statement)

    def _drop_indexes(self) -> None:
        """Drop the tables' foreign keys and the indexes that back no constraint (kept:
        primary keys and unique columns), as PostgreSQL's advice on populating a database has
        it; they are made again, from their own definitions, at the end, which checks every
        foreign key and unique index in one pass."""
        names = [t.model._meta.db_table for t in self.tables.values()]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid::regclass::text = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [names],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
                """,
                [names],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        self.rebuild = [definition for _name, definition in indexes] + [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            for table, name, definition in keys
        ]

    def maybe_flush(self) -> None:
        if sum(t.pending for t in self.tables.values()) >= COPY_BATCH:
            self.flush()

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                table.flush(cursor.cursor)

    def counts(self) -> dict[str, int]:
        return {t.model._meta.label: t.written for t in self.tables.values()}


# -- the builder ---------------------------------------------------------------------------------


@dataclass
class BuildReport:
    """Rows written per model and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Place:
    centre_id: int
    code: str
    district: str
    weight: int
    chair_user: int
    subdistricts: list[tuple[str, str]]


class _Builder:
    def __init__(self, *, seed: int, districts: list[str] | None, fast: bool, progress):
        self.rng = random.Random(seed)  # noqa: S311 - made-up records, not secrets
        self.seed = seed
        self.fast = fast
        self.progress = progress
        self.started = time.perf_counter()
        self.today = timezone.localdate()
        self.first_day = self.today - dt.timedelta(days=5 * 365)
        self.districts = districts
        self.report = BuildReport()

    def say(self, text: str) -> None:
        self.progress(f"[{time.perf_counter() - self.started:6.1f} s] {text}")

    def day(self, start: dt.date, end: dt.date | None = None) -> dt.date:
        end = end or self.today
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def at(self, day: dt.date) -> str:
        """A time of the working day, Bangkok time, as COPY text."""
        minutes = self.rng.randrange(8 * 60, 17 * 60)
        return f"{day}T{minutes // 60:02d}:{minutes % 60:02d}:00+07:00"

    def name(self) -> tuple[str, str, str, str]:
        """(sex, title, first name, last name)."""
        rng = self.rng
        if rng.random() < 0.5:
            return "male", "นาย", rng.choice(FIRST_NAMES_MALE), rng.choice(LAST_NAMES)
        title = rng.choice(["นาง", "นางสาว"])
        return "female", title, rng.choice(FIRST_NAMES_FEMALE), rng.choice(LAST_NAMES)

    # ---- centres and users --------------------------------------------------------------------

    def places(self) -> list[_Place]:
        if not Subdistrict.objects.exists():
            geography_load()
        groups_load()
        national, _created = Centre.objects.get_or_create(
            code="NAT",
            defaults={"level": Centre.Level.NATIONAL, "name_th": "ศูนย์ประสานงานอาสาสมัครแห่งชาติ",
                      "name_en": "National Volunteer Coordination Centre",
                      "opened_on": dt.date(2017, 5, 25)},
        )  # fmt: skip
        districts = District.objects.all()
        if self.districts is not None:
            districts = districts.filter(code__in=self.districts)
        existing = {c.district_id: c for c in Centre.objects.filter(level=Centre.Level.DISTRICT)}
        new = [
            Centre(code=f"D{d.code}", level=Centre.Level.DISTRICT, parent=national,
                   province_id=d.province_id, district_id=d.code,
                   name_th=f"ศูนย์ประสานงาน อพม. {d.name_th}", name_en=f"{d.name_en} APM Centre",
                   opened_on=dt.date(2019, 1, 15))
            for d in districts.order_by("code")
            if d.code not in existing
        ]  # fmt: skip
        Centre.objects.bulk_create(new)
        centres = [existing.get(d.code) or next(c for c in new if c.district_id == d.code)
                   for d in districts.order_by("code")]  # fmt: skip
        users = self.users(centres)
        subdistricts = defaultdict(list)
        for code, district, postcode in Subdistrict.objects.filter(
            district__in=[c.district_id for c in centres]
        ).values_list("code", "district_id", "postcode"):
            subdistricts[district].append((code, postcode))
        self.say(f"centres: {len(centres):,} ({len(new):,} new), users and role groups")
        return [
            _Place(
                centre_id=c.pk,
                code=c.code,
                district=c.district_id,
                # Bigger districts hold more volunteers and cases: weights from 1 to 6, the
                # same for a district whatever else is built; the chair's is among the biggest.
                weight=6 if c.district_id == BENCH_DISTRICT
                else random.Random(f"{self.seed}:{c.code}").randint(1, 6),  # noqa: S311
                chair_user=users[c.pk],
                subdistricts=subdistricts[c.district_id],
            )
            for c in centres
        ]  # fmt: skip

    def users(self, centres: list[Centre]) -> dict[int, int]:
        """A chair user per centre (Bang Khen's is ``bench-chair``) and the ministry
        administrator, each with their assignment and role groups. Returns centre -> user."""
        User = get_user_model()
        Role = StaffAssignment.Role
        chairs = dict(
            StaffAssignment.objects.filter(role=Role.CHAIR, centre__in=centres).values_list(
                "centre_id", "user_id"
            )
        )
        synced = []
        if not User.objects.filter(username=MINISTRY_USERNAME).exists():
            admin = User.objects.create_user(MINISTRY_USERNAME, first_name="ผู้ดูแล",
                                             last_name="กระทรวง")  # fmt: skip
            StaffAssignment.objects.create(user=admin, role=Role.MINISTRY_ADMIN,
                                           starts_on=dt.date(2017, 5, 25))  # fmt: skip
            synced.append(admin)
        for centre in centres:
            if centre.pk in chairs:
                continue
            bench = centre.district_id == BENCH_DISTRICT
            user = User.objects.create_user(
                CHAIR_USERNAME if bench else f"chair-{centre.code.lower()}",
                first_name=self.rng.choice(FIRST_NAMES_FEMALE),
                last_name=self.rng.choice(LAST_NAMES),
            )
            StaffAssignment.objects.create(user=user, role=Role.CHAIR, centre=centre,
                                           starts_on=dt.date(2019, 1, 15))  # fmt: skip
            chairs[centre.pk] = user.pk
            synced.append(user)
        for user in synced:
            roles_sync(user)
        return chairs

    # ---- volunteers ---------------------------------------------------------------------------

    def volunteers(self, places: list[_Place], count: int) -> dict[int, list[int]]:
        """Volunteers and all that hangs on them. Returns centre -> its new active volunteers."""
        rng = self.rng
        loader = _Loader(
            {
                Volunteer: ["id", "national_id", "passport_number", "nationality", "name_latin",
                            "title", "first_name", "last_name", "birth_date", "sex", "phone",
                            "house_number", "subdistrict_id", "postcode", "created_at"],
                Registration: ["id", "volunteer_id", "programme", "centre_id", "number",
                               "registered_on", "status", "ended_on", "end_reason",
                               "suspended_on", "suspension_reason", "other_ministry"],
                RegistrationStatusChange: ["id", "registration_id", "from_status", "to_status",
                                           "on", "reason", "actor_id", "at"],
                CentreRole: ["id", "volunteer_id", "centre_id", "role", "starts_on"],
                Membership: ["id", "volunteer_id", "organisation_id", "role", "since"],
                Event: ["id", "kind", "title", "organiser_id", "starts_on", "ends_on", "venue",
                        "capacity"],
                Attendance: ["id", "event_id", "volunteer_id", "role", "attended", "hours"],
            },
            fast=self.fast,
            say=self.say,
        )  # fmt: skip
        organisations = [
            Organisation.objects.get_or_create(name=name, defaults={"kind": "network"})[0].pk
            for name in ORGANISATIONS
        ]
        chaired = set(CentreRole.objects.filter(role="chair").values_list("centre_id", flat=True))
        programmes, programme_weights = zip(*PROGRAMME_WEIGHTS.items(), strict=True)
        weights = [p.weight for p in places]
        active: dict[int, list[int]] = defaultdict(list)
        with loader:
            for place in rng.choices(places, weights, k=count):
                vid = loader[Volunteer].take_id()
                first = rng.choices(programmes, programme_weights)[0]
                sex, title, first_name, last_name = self.name()
                birth = self.day(dt.date(1950, 1, 1), dt.date(2000, 12, 31))
                subdistrict, postcode = rng.choice(place.subdistricts)
                if first == "foreign":
                    identity = (None, f"MA{vid:07d}", "MM", f"Aung Min {vid}")
                else:
                    identity = (volunteer_national_id(vid), "", "", "")
                loader[Volunteer].add(
                    vid, *identity, title, first_name, last_name, birth, sex,
                    f"+668{rng.randrange(10**8):08d}", str(rng.randrange(1, 300)), subdistrict,
                    postcode, self.at(self.first_day),
                )  # fmt: skip
                chosen = [first]
                if rng.random() < 0.1:  # one in ten also serves in a second programme
                    others = [p for p in programmes if p not in (first, "foreign")]
                    chosen.append(rng.choice(others))
                for programme in chosen:
                    if self.registration(loader, place, vid, programme):
                        active[place.centre_id].append(vid)
                if place.centre_id not in chaired:
                    chaired.add(place.centre_id)
                    loader[CentreRole].add(loader[CentreRole].take_id(), vid, place.centre_id,
                                           "chair", self.first_day)  # fmt: skip
                if rng.random() < MEMBERSHIP_SHARE:
                    loader[Membership].add(loader[Membership].take_id(), vid,
                                           rng.choice(organisations), "สมาชิก",
                                           self.day(self.first_day))  # fmt: skip
                loader.maybe_flush()
            self.events(loader, places, active)
        self.report.counts.update(loader.counts())
        self.say("volunteers: " + self.written(loader))
        return active

    def registration(self, loader: _Loader, place: _Place, vid: int, programme: str) -> bool:
        """Write one registration (and its status history); whether it is active."""
        rng = self.rng
        rid = loader[Registration].take_id()
        registered = self.day(self.first_day)
        status = rng.choice(REGISTRATION_STATUSES)
        ended = suspended = None
        end_reason = suspension_reason = ""
        if status == "ended":
            ended, end_reason = self.day(registered), "ลาออก"
        elif status == "suspended":
            suspended, suspension_reason = self.day(registered), "ย้ายที่อยู่ชั่วคราว"
        loader[Registration].add(
            rid, vid, programme, place.centre_id, f"{rid:04d}/{registered.year + 543}",
            registered, status, ended, end_reason, suspended, suspension_reason,
            "กระทรวงสาธารณสุข" if programme == "ministry" else "",
        )  # fmt: skip
        if status != "active":
            on = ended or suspended
            loader[RegistrationStatusChange].add(
                loader[RegistrationStatusChange].take_id(), rid, "active", status, on,
                end_reason or suspension_reason, place.chair_user, self.at(on),
            )  # fmt: skip
        return status == "active"

    def events(self, loader: _Loader, places: list[_Place], active: dict[int, list[int]]) -> None:
        """Two events a centre (a training and a meeting), each attended by up to five of the
        centre's volunteers."""
        rng = self.rng
        for place in places:
            for kind, title, hours in (("training", "อบรมหลักสูตร อพม.", Decimal("6.0")),
                                       ("meeting", "ประชุมประจำเดือน", Decimal("2.0"))):  # fmt: skip
                eid = loader[Event].take_id()
                starts = self.day(self.first_day)
                loader[Event].add(eid, kind, title, place.centre_id, starts, None,
                                  "ห้องประชุมสำนักงานเขต", 40)  # fmt: skip
                # A volunteer active in two programmes is on the list once.
                volunteers = sorted(set(active.get(place.centre_id, [])))
                for vid in rng.sample(volunteers, min(5, len(volunteers))):
                    loader[Attendance].add(loader[Attendance].take_id(), eid, vid,
                                           "participant", True, hours)  # fmt: skip

    # ---- cases --------------------------------------------------------------------------------

    def cases(self, places: list[_Place], count: int) -> None:
        """Cases, each with its person and what hangs on the case."""
        rng = self.rng
        loader = _Loader(
            {
                Person: ["id", "title", "first_name", "last_name", "national_id", "no_id_reason",
                         "birth_date", "sex", "house_number", "subdistrict_id", "postcode",
                         "phone", "centre_id", "created_by_id", "created_at"],
                Household: ["id", "name", "centre_id", "created_at"],
                HouseholdMember: ["id", "household_id", "person_id", "name", "relation",
                                  "occupation", "monthly_income"],
                Case: ["id", "number", "centre_id", "fiscal_year", "sequence", "person_id",
                       "intake_channel", "reporter_type", "problems", "urgency", "summary",
                       "status", "opened_on", "closed_on", "closure_reason", "created_by_id",
                       "created_at"],
                Visit: ["id", "case_id", "visited_on", "findings", "next_follow_up_on",
                        "recorded_by_id", "recorded_at"],
                Assistance: ["id", "case_id", "kind", "programme", "description", "amount",
                             "given_on", "provider_centre_id", "recorded_by_id", "recorded_at"],
                AssistanceItem: ["id", "assistance_id", "name", "quantity", "unit"],
                Consent: ["id", "case_id", "given_by", "purpose", "given_on", "recorded_by_id",
                          "recorded_at"],
                Referral: ["id", "case_id", "agency_id", "referred_on", "reason", "basis",
                           "consent_id", "basis_note", "status", "answered_on", "finished_on",
                           "recorded_by_id", "recorded_at"],
                CaseAssignment: ["id", "case_id", "volunteer_id", "assigned_on", "assigned_by_id"],
                CaseEvent: ["id", "case_id", "kind", "from_status", "to_status", "referral_id",
                            "actor_id", "at", "note", "detail"],
            },
            fast=self.fast,
            say=self.say,
        )  # fmt: skip
        agencies_load()
        agencies = list(Agency.objects.values_list("pk", flat=True))
        active: dict[int, list[int]] = defaultdict(list)
        for centre_id, volunteer_id in Registration.objects.filter(
            status="active", centre__in=[p.centre_id for p in places]
        ).values_list("centre_id", "volunteer_id"):
            active[centre_id].append(volunteer_id)
        counters = defaultdict(int)
        for centre_id, fy, last in CaseCounter.objects.values_list(
            "centre_id", "fiscal_year", "last_sequence"
        ):
            counters[centre_id, fy] = last
        statuses, status_weights = zip(*CASE_STATUS_WEIGHTS.items(), strict=True)
        problems = list(Problem.values)
        with loader:
            for place in rng.choices(places, [p.weight for p in places], k=count):
                opened = self.day(self.first_day)
                fy = fiscal_year(opened)
                counters[place.centre_id, fy] += 1
                status = rng.choices(statuses, status_weights)[0]
                self.case(loader, place, opened, fy, counters[place.centre_id, fy], status,
                          rng.sample(problems, rng.choice([1, 1, 1, 2, 3])), agencies,
                          active[place.centre_id])  # fmt: skip
                loader.maybe_flush()
        self.report.counts.update(loader.counts())
        self.say("cases: " + self.written(loader))
        CaseCounter.objects.bulk_create(
            [CaseCounter(centre_id=c, fiscal_year=fy, last_sequence=n)
             for (c, fy), n in counters.items()],
            update_conflicts=True, unique_fields=["centre", "fiscal_year"],
            update_fields=["last_sequence"],
        )  # fmt: skip

    def case(self, loader, place, opened, fy, sequence, status, problems, agencies, volunteers):
        """One case with its person, events, visits, assistance, consent, referral, assigned
        volunteer and household. The build's hot loop, so its lines are written as text
        directly: every value is a number, a date or a constant without tabs or backslashes,
        and ``N`` is COPY's NULL."""
        rng = self.rng
        random_ = rng.random
        day_in = self.day
        at_in = self.at
        chair = place.chair_user
        centre = place.centre_id
        tables = loader.tables
        events = tables[CaseEvent]
        at = at_in(opened)
        pid = tables[Person].take_id()
        sex, title, first_name, last_name = self.name()
        subdistrict, postcode = rng.choice(place.subdistricts)
        if random_() < PERSON_ID_SHARE:
            identity = f"{person_national_id(pid)}\t"
        else:
            identity = f"{N}\tunknown"
        tables[Person].line(
            f"{pid}\t{title}\t{first_name}\t{last_name}\t{identity}\t"
            f"{day_in(PERSON_BORN_FROM, PERSON_BORN_TO)}\t{sex}\t"
            f"{rng.randrange(1, 500)}/{rng.randrange(1, 30)}\t{subdistrict}\t{postcode}\t"
            f"+668{rng.randrange(10**8):08d}\t{centre}\t{chair}\t{at}"
        )
        if random_() < HOUSEHOLD_SHARE:
            members = tables[HouseholdMember]
            hid = tables[Household].take_id()
            tables[Household].line(f"{hid}\tครอบครัว{last_name}\t{centre}\t{at}")
            members.line(f"{members.take_id()}\t{hid}\t{pid}\t\thead\tรับจ้างทั่วไป\t6000.00")
            spouse = f"{rng.choice(FIRST_NAMES_FEMALE)} {last_name}"
            members.line(f"{members.take_id()}\t{hid}\t{N}\t{spouse}\tspouse\tค้าขาย\t4500.00")
        cid = tables[Case].take_id()
        closed = day_in(opened) if status == "closed" else None
        tables[Case].line(
            f"{cid}\t{place.code}-{fy}-{sequence:04d}\t{centre}\t{fy}\t{sequence}\t{pid}\t"
            f"{rng.choice(INTAKE_CHANNELS)}\t{rng.choice(REPORTER_TYPES)}\t"
            f"{{{','.join(problems)}}}\t{rng.choices(URGENCIES, URGENCY_WEIGHTS)[0]}\t"
            f"ครอบครัวมีรายได้ไม่พอเลี้ยงชีพ\t{status}\t{opened}\t"
            f"{closed or N}\t{'resolved' if closed else ''}\t{chair}\t{at}"
        )
        events.line(f"{events.take_id()}\t{cid}\topened\t\tnew\t{N}\t{chair}\t{at}\t\t{{}}")
        last_day = closed or self.today
        visits = tables[Visit]
        for _ in range(rng.choice(VISITS_PER_CASE)):
            vid = visits.take_id()
            day = day_in(opened, last_day)
            follow = day + dt.timedelta(days=rng.choice((7, 14, 30))) if random_() < 0.7 else N
            when = at_in(day)
            visits.line(f"{vid}\t{cid}\t{day}\t{VISIT_FINDINGS}\t{follow}\t{chair}\t{when}")
            events.line(f'{events.take_id()}\t{cid}\tvisit\t\t\t{N}\t{chair}\t{when}\t\t'
                        f'{{"visit": {vid}}}')  # fmt: skip
        if random_() < ASSISTANCE_SHARE:
            assistance = tables[Assistance]
            aid = assistance.take_id()
            day = day_in(opened, last_day)
            when = at_in(day)
            amount = rng.choice(AMOUNTS)
            if random_() < 0.5:
                kind = "money\tlow_income_grant\t"
            else:
                kind = "goods\t\tถุงยังชีพ"
                items = tables[AssistanceItem]
                items.line(f"{items.take_id()}\t{aid}\tถุงยังชีพ\t{rng.randint(1, 3)}\tถุง")
            assistance.line(f"{aid}\t{cid}\t{kind}\t{amount}\t{day}\t{centre}\t{chair}\t{when}")
            events.line(f'{events.take_id()}\t{cid}\tassistance\t\t\t{N}\t{chair}\t{when}\t\t'
                        f'{{"assistance": {aid}}}')  # fmt: skip
        if random_() < REFERRAL_SHARE:
            referrals = tables[Referral]
            rid = referrals.take_id()
            day = day_in(opened, last_day)
            when = at_in(day)
            if random_() < 0.5:
                consent = tables[Consent].take_id()
                tables[Consent].line(f"{consent}\t{cid}\tself\t{CONSENT_PURPOSE}\t{day}\t"
                                     f"{chair}\t{when}")  # fmt: skip
                basis = f"consent\t{consent}\t"
            else:
                basis = f"legal_duty\t{N}\t{LEGAL_BASIS_NOTE}"
            answer = rng.choice(REFERRAL_STATUSES)
            answered = day_in(day, last_day) if answer != "sent" else N
            finished = answered if answer == "done" else N
            agency = rng.choice(agencies)
            referrals.line(f"{rid}\t{cid}\t{agency}\t{day}\t{REFERRAL_REASON}\t{basis}\t"
                           f"{answer}\t{answered}\t{finished}\t{chair}\t{when}")  # fmt: skip
            events.line(f"{events.take_id()}\t{cid}\treferral\t\t\t{rid}\t{chair}\t{when}\t\t{{}}")
        if volunteers and random_() < ASSIGNED_SHARE:
            volunteer = rng.choice(volunteers)
            assignments = tables[CaseAssignment]
            assignments.line(f"{assignments.take_id()}\t{cid}\t{volunteer}\t{opened}\t{chair}")
            events.line(f'{events.take_id()}\t{cid}\tassigned\t\t\t{N}\t{chair}\t{at}\t\t'
                        f'{{"volunteers": [{volunteer}]}}')  # fmt: skip
        if status != "new":
            when = at_in(closed or day_in(opened))
            detail = '{"closure_reason": "resolved"}' if closed else "{}"
            events.line(f"{events.take_id()}\t{cid}\tstatus\tnew\t{status}\t{N}\t{chair}\t"
                        f"{when}\t\t{detail}")  # fmt: skip

    # ---- what the services make ---------------------------------------------------------------

    def transfers(self, places: list[_Place]) -> None:
        """One case of another centre waiting for Bang Khen's answer, and one Bang Khen sent
        (through the service, with its event), when there is no pending transfer yet."""
        bench = next((p for p in places if p.district == BENCH_DISTRICT), None)
        others = [p for p in places if p is not bench]
        if bench is None or not others:
            return
        User = get_user_model()
        pairs = ((others[0], bench), (bench, others[0]))
        for sender, receiver in pairs:
            pending = CaseTransfer.objects.pending().filter(from_centre_id=sender.centre_id)
            if pending.exists():
                continue
            case = Case.objects.filter(centre_id=sender.centre_id).open().order_by("pk").first()
            if case is not None:
                case_transfer_request(
                    actor=User.objects.get(pk=sender.chair_user), case=case,
                    to_centre=Centre.objects.get(pk=receiver.centre_id),
                    reason="ผู้รับบริการย้ายที่อยู่ไปอยู่ในเขตของศูนย์",
                )  # fmt: skip

    def imports(self) -> None:
        """A record of an earlier import for each bench user (the admin's import list)."""
        User = get_user_model()
        for username in (MINISTRY_USERNAME, CHAIR_USERNAME):
            user = User.objects.filter(username=username).first()
            if user is not None and not VolunteerImport.objects.filter(created_by=user).exists():
                VolunteerImport.objects.create(
                    created_by=user, file_name="อาสาสมัคร-2568.csv",
                    status=VolunteerImport.Status.DONE,
                    report={"summary": "Imported 12 of 12 rows; 0 rejected.", "rows": 12,
                            "valid": 12, "rejected": 0, "saved": 12, "errors": [],
                            "preview": []},
                )  # fmt: skip

    @staticmethod
    def written(loader: _Loader) -> str:
        return ", ".join(f"{label.split('.')[1]} {n:,}" for label, n in loader.counts().items())


def bench_data_build(
    *,
    volunteers: int,
    cases: int,
    seed: int = 2562,
    districts: Iterable[str] | None = None,
    fast: bool = True,
    progress: Callable[[str], None] = print,
) -> BuildReport:
    """Write (or add to) the data set in the current database, in one transaction.

    ``volunteers`` and ``cases`` are spread over the district centres of ``districts`` (every
    district by default), bigger districts getting more; visits (1.4 a case), assistance (one
    case in two), referrals (three in ten) and the rest follow from the cases. ``fast`` drops
    the big tables' secondary indexes for the load and builds them again after it (worth it
    from about a hundred thousand rows). Deterministic for a given seed and database."""
    builder = _Builder(
        seed=seed, districts=list(districts) if districts is not None else None, fast=fast,
        progress=progress,
    )  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        # The load's own session: index builds get the memory they need, and nothing waits
        # for the disk at each COPY. Neither setting outlives the transaction.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Foreign keys are checked at the end of each COPY rather than all at the commit,
        # whose queue of deferred checks would hold millions of entries in memory.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The summary triggers (cases.tallies) would redo, row by row, what one pass over the
        # loaded rows does after the COPY: off for the load, then rebuilt and back on.
        cursor.execute("SET LOCAL vc.tallies = 'off'")
        places = builder.places()
        builder.volunteers(places, volunteers)
        builder.cases(places, cases)
        builder.transfers(places)
        builder.imports()
        builder.say("summary tallies")
        tallies.rebuild(cursor)
        cursor.execute("SET LOCAL vc.tallies = 'on'")
        if not fast:
            cursor.execute("ANALYZE")
        # Django's foreign keys are INITIALLY DEFERRED: back to that for the rest of the
        # transaction (a test's, under --small).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    builder.report.seconds = time.perf_counter() - builder.started
    builder.say("data set written")
    return builder.report
