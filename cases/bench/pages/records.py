"""What a request to time is, and the records and users the pages are built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.test import Client

from cases.bench.data import BENCH_DISTRICT, CHAIR_USERNAME, MINISTRY_USERNAME
from cases.models import Case, CaseTransfer, Consent, Household, Person, Referral
from centres.models import Centre, StaffAssignment, Subdistrict
from centres.roles import GROUP_NAMES
from volunteer_centre.thai import be_year
from volunteers.models import (
    CentreRole,
    Event,
    Organisation,
    Registration,
    Volunteer,
    VolunteerImport,
)


@dataclass
class Request:
    """One thing to time. A POST runs inside a transaction that is rolled back afterwards, so
    every run finds the data set as it was; ``prepare`` (untimed, inside that transaction)
    does what must come first and returns the URL to post to. A job (``rows``) is timed once,
    with the rows it reads or writes and the memory it takes."""

    name: str
    url: str
    method: str = "GET"
    body: Callable[[], dict] | None = None
    prepare: Callable[[Client], str] | None = None
    rows: int = 0
    # Untimed, after the request and before the rollback: what went wrong, or "".
    verify: Callable[[], str] | None = None
    # Its queries grow with its rows by design. None does now: the import, which once checked and
    # saved row by row, reads and writes a chunk of rows at a time.
    per_row: bool = False

    @property
    def is_job(self) -> bool:
        return self.rows > 0


@dataclass
class Records:
    """The records the pages are about, all at the chair's centre (which the ministry
    administrator sees too), and what to search for."""

    centre: Centre
    case: Case
    person: Person
    volunteer: Volunteer
    registration: Registration
    household: Household | None
    referral: Referral | None
    consent: Consent | None
    transfer: CaseTransfer | None
    # Admin change pages: model label -> primary key of one record.
    admin: dict[str, object] = field(default_factory=dict)

    @property
    def thai_name(self) -> str:
        return self.person.first_name


def bench_users() -> dict[str, object]:
    """The two users the pages are requested as: ``ministry`` (a ministry administrator who
    is not a superuser) and ``chair`` (the chair of the Bang Khen centre)."""
    User = get_user_model()
    return {
        "ministry": User.objects.get(username=MINISTRY_USERNAME),
        "chair": User.objects.get(username=CHAIR_USERNAME),
    }


def bench_records(chair) -> Records:
    """Pick the records: the chair's centre's open case with the most recorded on it (not one
    being transferred), its person, the centre's volunteer with the most registrations there,
    the household with the most members; ties go to the oldest record, so the pick is stable
    when the data set grows."""
    centre = Centre.objects.writable_by(chair).filter(district_id=BENCH_DISTRICT).first()
    if centre is None:
        centre = Centre.objects.writable_by(chair).order_by("pk").first()
    case = (
        Case.objects.filter(centre=centre)
        .open()
        .exclude(transfers__status="pending")
        .annotate(
            work=Count("visits", distinct=True)
            + Count("assistance", distinct=True)
            + Count("referrals", distinct=True)
            + Count("events", distinct=True)
        )
        .order_by("-work", "pk")
        .select_related("person")
        .first()
    )
    registration = (
        Registration.objects.filter(centre=centre, status="active")
        .annotate(held=Count("volunteer__registrations"))
        .order_by("-held", "volunteer_id", "pk")
        .select_related("volunteer")
        .first()
    )
    household = (
        Household.objects.filter(centre=centre)
        .annotate(size=Count("members"))
        .order_by("-size", "pk")
        .first()
    )
    referral = Referral.objects.filter(case__centre=centre).order_by("-case_id", "pk").first()
    referral = Referral.objects.filter(case=case).first() or referral
    consent = Consent.objects.filter(case=case, withdrawn_on__isnull=True).first()
    transfer = CaseTransfer.objects.pending().filter(to_centre=centre).first()
    records = Records(
        centre=centre,
        case=case,
        person=case.person,
        volunteer=registration.volunteer,
        registration=registration,
        household=household,
        referral=referral,
        consent=consent or Consent.objects.filter(case__centre=centre).first(),
        transfer=transfer,
    )
    subdistrict = Subdistrict.objects.filter(district_id=centre.district_id).order_by("pk").first()
    records.admin = {
        "auth.user": chair.pk,
        "auth.group": Group.objects.get(name=GROUP_NAMES["chair"]).pk,
        "centres.region": centre.province.region_id,
        "centres.province": centre.province_id,
        "centres.district": centre.district_id,
        "centres.subdistrict": subdistrict.pk,
        "centres.centre": centre.pk,
        "centres.staffassignment": StaffAssignment.objects.filter(user=chair).first().pk,
        "volunteers.volunteer": registration.volunteer_id,
        "volunteers.registration": registration.pk,
        "volunteers.centrerole": CentreRole.objects.filter(centre=centre).order_by("pk")[0].pk,
        "volunteers.organisation": Organisation.objects.annotate(n=Count("memberships"))
        .order_by("-n", "pk")[0]
        .pk,
        "volunteers.event": Event.objects.filter(organiser=centre).order_by("pk")[0].pk,
        "volunteers.volunteerimport": _import_of(chair),
        "cases.person": case.person_id,
        "cases.household": household.pk if household else None,
        "cases.agency": referral.agency_id if referral else None,
        "cases.case": case.pk,
        "cases.referral": referral.pk if referral else None,
        "cases.consent": records.consent.pk if records.consent else None,
    }
    return records


def _import_of(user) -> int | None:
    run = VolunteerImport.objects.filter(created_by=user).order_by("pk").first()
    return run.pk if run else None


def _be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"


def matches(pattern: str | None, user_name: str, request: Request) -> bool:
    """``--only``: a shell pattern (``*``, ``?``, ``[``) matched against ``user:name`` or the
    name, else a part of either."""
    from fnmatch import fnmatchcase

    if not pattern:
        return True
    names = (request.name, f"{user_name}:{request.name}")
    if any(ch in pattern for ch in "*?["):
        return any(fnmatchcase(n, pattern) for n in names)
    return any(pattern in n for n in names)
