"""Demo volunteers for bin/run: the registry as the source articles describe it.

Bang Khen has 50 active อพม. and Thawi Watthana 19 (the 2019 article); every reference centre has
a chair, two newcomers in other programmes this fiscal year and an อพม. who left this year; the
national centre hosts a few foreign volunteers; the 25 May 2017 national workshop (500 places)
is an event. Names are plausible, national IDs valid, addresses in the centre's own เขต and
แขวง. Deterministic: the same people come out on every run, updated in place (this year's
dates follow the day of loading).
"""

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centres.models import Centre, District
from volunteer_centre.identity import normalise_phone
from volunteer_centre.thai import be_year, fiscal_year, fiscal_year_bounds
from volunteers.demo_data import (
    ACTIVE_APM,
    FEMALE_NAMES,
    FOREIGN_VOLUNTEERS,
    MALE_NAMES,
    NATIONAL_DISTRICT,
    ORGANISATIONS,
    OTHER_PROGRAMMES,
    ROADS,
    SURNAMES,
    WORKSHOP_2017,
)
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Organisation,
    Programme,
    Registration,
    Sex,
    Volunteer,
)


def demo_national_id(first_digit: int, office: str, serial: int) -> str:
    """A valid ID: type digit, registration office (the district), a serial, the check digit."""
    from stdnum.th import pin

    body = f"{first_digit}{office}{serial:07d}"
    return body + pin.calc_check_digit(body)


def _phone(rng: random.Random) -> str:
    while True:  # a few generated prefixes are not allocated: draw again
        try:
            return normalise_phone(
                f"0{rng.choice('689')}{rng.randint(1, 9)}{rng.randint(0, 10**7 - 1):07d}"
            )
        except ValidationError:
            continue


class _Numbers:
    """Registration numbers NNNN/BE year, counted per programme and year in a fixed order."""

    def __init__(self):
        self.last: dict[tuple[str, int], int] = {}

    def next(self, programme: str, day: dt.date) -> str:
        key = (programme, be_year(day.year))
        while True:  # skip numbers someone else already gave out in this database
            self.last[key] = self.last.get(key, 0) + 1
            number = f"{self.last[key]:04d}/{key[1]}"
            if not Registration.objects.filter(programme=programme, number=number).exists():
                return number


def _person(rng: random.Random, district: District, serial: int):
    sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE])  # most อพม. are women
    birth = dt.date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
    road, soi = rng.choice(ROADS[district.code])
    subdistrict = rng.choice(list(district.subdistricts.all()))
    return {
        "national_id": demo_national_id(1 if birth.year >= 1984 else 3, district.code, serial),
        "title": "นาย" if sex == Sex.MALE else rng.choice(["นาง", "นางสาว"]),
        "first_name": rng.choice(MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES),
        "last_name": rng.choice(SURNAMES),
        "birth_date": birth,
        "sex": sex,
        "phone": _phone(rng),
        "house_number": f"{rng.randint(1, 199)}/{rng.randint(1, 99)}",
        "soi": soi,
        "road": road,
        "subdistrict": subdistrict,
        "postcode": subdistrict.postcode,
        "skills": rng.choice(["", "ปฐมพยาบาล", "ดูแลผู้สูงอายุ", "ประสานงานชุมชน", "บัญชี"]),
        "languages": "ไทย",
    }


def _save(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean(validate_constraints=False)
    obj.save()
    return obj


@transaction.atomic
def volunteers_demo_load() -> list[str]:
    """Create or update the demo registry, and link the demo chairs' logins to their volunteer
    records. Returns a line for each demo chair left unlinked (none, normally)."""
    centres = {c.code: c for c in Centre.objects.select_related("district")}
    numbers = _Numbers()
    organisations = {
        en or name: _save(
            Organisation,
            {"name": name, "country": country},
            {"name_en": en, "kind": kind, "contact_person": contact, "website": site},
        )
        for name, en, kind, country, contact, site in ORGANISATIONS
    }
    workshop = _save(
        Event, {"title": WORKSHOP_2017["title"]}, {**WORKSHOP_2017, "organiser": centres["NAT"]}
    )
    chairs = {}
    today = timezone.localdate()
    this_year_start = fiscal_year_bounds(fiscal_year(today))[0]
    this_year_days = (today - this_year_start).days + 1  # so that nothing is dated after today
    for centre_index, (code, active) in enumerate(ACTIVE_APM.items()):
        centre = centres[code]
        district = centre.district or District.objects.get(code=NATIONAL_DISTRICT)
        rng = random.Random(f"volunteers-demo-{code}")  # noqa: S311 - demo data, not secrets
        opened = centre.opened_on or dt.date(2018, 10, 1)
        # The active อพม., then a few ended ones and some of the other programmes.
        plan = [(Programme.APM, Registration.Status.ACTIVE)] * active
        plan += [(Programme.APM, Registration.Status.ENDED)] * 2
        plan += [(rng.choice(OTHER_PROGRAMMES), Registration.Status.ACTIVE) for _ in range(3)]
        # This fiscal year's flow, so that a supervisor's dashboard is not all history: two
        # newcomers in other programmes and one of the ended อพม. leaving this year.
        plan += [(OTHER_PROGRAMMES[n % 3], Registration.Status.ACTIVE) for n in range(2)]
        newcomers = range(len(plan) - 2, len(plan))
        leaver = active + 1
        for index, (programme, status) in enumerate(plan):
            person = _person(rng, district, centre_index * 1000 + index)
            volunteer = _save(Volunteer, {"national_id": person.pop("national_id")}, person)
            registered = min(opened, dt.date(2019, 3, 11)) - dt.timedelta(days=rng.randint(0, 900))
            ended_on = registered + dt.timedelta(days=400)
            if index in newcomers:
                registered = this_year_start + dt.timedelta(days=(index * 7) % this_year_days)
            elif index == leaver:
                ended_on = this_year_start + dt.timedelta(days=(centre_index * 5) % this_year_days)
            ended = status == Registration.Status.ENDED
            values = {
                "registered_on": registered,
                "status": status,
                "ended_on": ended_on if ended else None,
                "end_reason": "ลาออก" if ended else "",
            }
            _registration(volunteer, programme, centre, numbers, values)
            if index == 0:
                chairs[code] = volunteer
            if index < 5 and registered <= WORKSHOP_2017["starts_on"]:
                _attend(workshop, volunteer)
    for code, volunteer in chairs.items():
        centre = centres[code]
        starts_on = centre.opened_on or dt.date(2019, 3, 11)
        chaired = CentreRole.objects.filter(centre=centre, role=CentreRole.Role.CHAIR)
        if chaired.exclude(volunteer=volunteer).overlapping(starts_on, None).exists():
            continue  # someone chairs it in this database during the demo term: keep them
        _save(
            CentreRole,
            {"centre": centre, "volunteer": volunteer, "role": CentreRole.Role.CHAIR},
            {"starts_on": starts_on, "ends_on": None},
        )
        _attend(workshop, volunteer)
    _foreign_volunteers(centres["NAT"], organisations, workshop, numbers)
    _membership(chairs["BKN"], organisations["ชมรมผู้สูงอายุเขตบางเขน"], "ที่ปรึกษา")
    _membership(chairs["NAT"], organisations["Volunteer Spirit Network"], "ผู้ประสานงาน")
    _opening_events(centres)
    return demo_chairs_link()


def demo_chairs_link() -> list[str]:
    """Link each demo chair's login (centres.demo) to their volunteer record: the volunteer
    holding the centre's current chair role. Where there is no such chair, or their record is
    linked to another account (an administrator's link is kept), the login stays unlinked and
    a line says so. A database without the demo logins is left alone. Idempotent."""
    from django.contrib.auth import get_user_model

    from centres.demo import DEMO_USERS
    from centres.roles import SYSTEM, Role
    from centres.services import volunteer_link

    chairs = {
        username: where.split(":", 1)[1]
        for username, _first, _last, role, where in DEMO_USERS
        if role == Role.CHAIR
    }
    users = get_user_model().objects.in_bulk(list(chairs), field_name="username")
    lines = []
    for username, code in chairs.items():
        user = users.get(username)
        if user is None:
            continue
        role = (
            CentreRole.objects.current()
            .filter(centre__code=code, role=CentreRole.Role.CHAIR)
            .select_related("volunteer")
            .order_by("-starts_on", "-pk")
            .first()
        )
        if role is None or role.volunteer.user_id not in (None, user.pk):
            lines.append(
                f"{username}: not linked to a volunteer record (no chair of {code} is free to link)"
            )
            continue
        volunteer_link(actor=SYSTEM, volunteer=role.volunteer, user=user)
    return lines


def _registration(volunteer, programme, centre, numbers: _Numbers, values: dict) -> None:
    """The volunteer's registration in ``programme`` at ``centre``, numbered when first made."""
    lookup = {"volunteer": volunteer, "programme": programme, "centre": centre}
    existing = Registration.objects.filter(**lookup).first()
    number = existing.number if existing else numbers.next(programme, values["registered_on"])
    _save(Registration, lookup, {**values, "number": number})


def _attend(event: Event, volunteer: Volunteer, hours: str = "4.0") -> None:
    _save(
        Attendance,
        {"event": event, "volunteer": volunteer},
        {"role": Attendance.Role.PARTICIPANT, "attended": True, "hours": Decimal(hours)},
    )


def _membership(volunteer: Volunteer, organisation: Organisation, role: str) -> None:
    _save(
        Membership,
        {"volunteer": volunteer, "organisation": organisation},
        {"role": role, "since": dt.date(2017, 5, 25)},
    )


def _foreign_volunteers(national: Centre, organisations, workshop, numbers: _Numbers) -> None:
    district = District.objects.get(code=NATIONAL_DISTRICT)
    rng = random.Random("volunteers-demo-foreign")  # noqa: S311 - demo data
    for passport, country, first, last, latin, sex, birth, host in FOREIGN_VOLUNTEERS:
        road, _soi = rng.choice(ROADS[NATIONAL_DISTRICT])
        subdistrict = rng.choice(list(district.subdistricts.all()))
        volunteer = _save(
            Volunteer,
            {"passport_number": passport, "nationality": country},
            {
                "first_name": first,
                "last_name": last,
                "name_latin": latin,
                "sex": sex,
                "birth_date": birth,
                "phone": _phone(rng),
                "house_number": str(rng.randint(1, 500)),
                "road": road,
                "subdistrict": subdistrict,
                "postcode": subdistrict.postcode,
                "languages": "อังกฤษ, ไทย",
            },
        )
        registered = dt.date(2017, 5, 1)
        _registration(
            volunteer,
            Programme.FOREIGN,
            national,
            numbers,
            {
                "registered_on": registered,
                "visa_type": "Non-Immigrant O",
                "visa_expires_on": dt.date(2027, 4, 30),
                "work_permit_number": f"WP{rng.randint(10**8, 10**9 - 1)}",
                "host_organisation": host,
                "certifying_agency": "กรมพัฒนาสังคมและสวัสดิการ",
                "service_starts_on": registered,
                "service_ends_on": dt.date(2027, 4, 30),
            },
        )
        _membership(volunteer, organisations[host], "volunteer")
        _attend(workshop, volunteer)


def _opening_events(centres: dict[str, Centre]) -> None:
    """The 2019 openings of Bang Khen and Thawi Watthana, with the database training given."""
    for code in ("BKN", "TWT"):
        centre = centres[code]
        _save(
            Event,
            {"title": f"พิธีเปิด{centre.name_th}", "organiser": centre},
            {
                "kind": Event.Kind.CEREMONY,
                "starts_on": centre.opened_on,
                "venue": centre.opening_venue,
            },
        )
        training = _save(
            Event,
            {"title": "การจัดทำฐานข้อมูลผู้ประสบปัญหาทางสังคม", "organiser": centre},
            {
                "kind": Event.Kind.TRAINING,
                "starts_on": centre.opened_on,
                "venue": centre.opening_venue,
                "capacity": 60,
            },
        )
        for registration in centre.registrations.filter(programme=Programme.APM)[:10]:
            _attend(training, registration.volunteer, "3.0")
