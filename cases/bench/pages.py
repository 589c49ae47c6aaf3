"""What the whole-site benchmark requests: every staff page, every admin changelist, change
and add form, every dashboard level with its exports, and the volunteers' import and export,
each built from the data set for one user (a real case of the chair's centre, a real volunteer,
real names, national IDs, case and registration numbers to search for).

Request names read ``area/page variant`` (``admin/cases.case/list search case number``,
``staff/cases/list filtered``, ``dashboards/province 10/export cases.csv``) so that
``--only`` can pick a family by a part of its name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases.bench.data import BENCH_DISTRICT, CHAIR_USERNAME, MINISTRY_USERNAME
from cases.models import Case, CaseTransfer, Consent, Household, Person, Referral
from centres.models import Centre, StaffAssignment, Subdistrict
from centres.roles import GROUP_NAMES
from volunteer_centre.forms import MAX_CHOICES
from volunteer_centre.thai import be_year
from volunteers.models import (
    CentreRole,
    Event,
    Organisation,
    Registration,
    Volunteer,
    VolunteerImport,
)

# Rows of the volunteer import of the full benchmark (the 100,000).
IMPORT_ROWS = 100_000


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
        .annotate(work=Count("visits", distinct=True) + Count("assistance", distinct=True)
                  + Count("referrals", distinct=True) + Count("events", distinct=True))
        .order_by("-work", "pk")
        .select_related("person")
        .first()
    )  # fmt: skip
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


# -- the requests --------------------------------------------------------------------------------


def bench_requests(user, records: Records, *, import_rows: int = IMPORT_ROWS) -> list[Request]:
    """Everything the benchmark requests as ``user``, in the order it is requested: the
    staff pages, the admin, the dashboards, then the jobs (import and export)."""
    return [
        *staff_requests(user, records),
        *admin_requests(user, records),
        *dashboard_requests(records),
        *job_requests(user, records, import_rows=import_rows),
    ]


def _be(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"


def staff_requests(user, records: Records) -> Iterator[Request]:
    """The desk, the case list (plain, filtered, searched), a case page and its forms, the
    intake (with a person search, and a new case saved), the volunteer list and page, a
    transfer, the accounts pages and the admin's index."""
    case, person, centre = records.case, records.person, records.centre
    cases = reverse("cases:case-list")
    yield Request("staff/desk", reverse("home"))
    yield Request("staff/cases/list", cases)
    yield Request("staff/cases/list filtered", f"{cases}?status=assisting&problem=poverty")
    yield Request("staff/cases/list search name", f"{cases}?q={records.thai_name}")
    yield Request("staff/cases/list search national ID", f"{cases}?q={person.national_id}")
    yield Request("staff/cases/list search case number", f"{cases}?q={case.number}")
    yield Request("staff/cases/case", reverse("cases:case-detail", args=[case.pk]))
    yield Request("staff/cases/person", reverse("cases:person-detail", args=[person.pk]))
    for name in ("visit-create", "assistance-create", "referral-create", "case-status",
                 "case-assign", "case-edit", "case-unassign", "transfer-create"):  # fmt: skip
        yield Request(f"staff/cases/case form {name}", reverse(f"cases:{name}", args=[case.pk]))
    yield Request("staff/cases/person edit", reverse("cases:person-edit", args=[person.pk]))
    if records.household:
        household = reverse("cases:household-edit", args=[records.household.pk])
        yield Request("staff/cases/household edit", household)
    if records.referral:
        referral = reverse("cases:referral-status", args=[records.referral.pk])
        yield Request("staff/cases/referral status form", referral)
    if records.consent:
        consent = reverse("cases:consent-withdraw", args=[records.consent.pk])
        yield Request("staff/cases/consent withdraw form", consent)
    if records.transfer:
        transfer = reverse("cases:transfer-detail", args=[records.transfer.pk])
        yield Request("staff/cases/transfer", transfer)
    today = timezone.localdate()
    yield Request(
        "staff/cases/case record visit",
        reverse("cases:visit-create", args=[case.pk]),
        method="POST",
        body=lambda: {"visited_on": _be(today), "findings": "เยี่ยมบ้าน",
                      "next_follow_up_on": _be(today + dt.timedelta(days=14))},
    )  # fmt: skip
    intake = reverse("cases:case-create")
    yield Request("staff/intake", intake)
    yield Request("staff/intake search person", f"{intake}?person_q={records.thai_name}")
    subdistrict = records.admin["centres.subdistrict"]
    # A user of more centres than a list holds types the centre's code (offer_centres).
    typed = Centre.objects.writable_by(user)[: MAX_CHOICES + 1].count() > MAX_CHOICES
    yield Request(
        "staff/intake new case",
        intake,
        method="POST",
        body=lambda: {
            "person_choice": "new", "confirm_new_person": "1", "person-title": "นาง",
            "person-first_name": "ทดลองระบบ", "person-last_name": "วัดความเร็ว",
            "person-no_id_reason": "unknown",
            "person-birth_date": "05/07/2508", "person-sex": "female",
            "person-province": centre.province_id, "person-district": centre.district_id,
            "person-subdistrict": subdistrict, "person-current_same_as_registered": "on",
            "case-centre": centre.code if typed else centre.pk, "case-opened_on": _be(today),
            "case-intake_channel": "walk_in", "case-reporter_type": "self",
            "case-problems": ["poverty"], "case-urgency": "normal",
        },
    )  # fmt: skip
    volunteers = reverse("volunteers:volunteer-list")
    volunteer, registration = records.volunteer, records.registration
    yield Request("staff/volunteers/list", volunteers)
    yield Request("staff/volunteers/list filtered", f"{volunteers}?programme=apm&status=active")
    yield Request("staff/volunteers/list search name", f"{volunteers}?q={volunteer.first_name}")
    if volunteer.national_id:
        yield Request(
            "staff/volunteers/list search national ID", f"{volunteers}?q={volunteer.national_id}"
        )
    yield Request(
        "staff/volunteers/list search registration number",
        f"{volunteers}?q={registration.number}",
    )
    yield Request("staff/volunteers/volunteer", reverse("volunteers:volunteer-detail",
                                                        args=[volunteer.pk]))  # fmt: skip
    yield Request("staff/volunteers/new volunteer form", reverse("volunteers:volunteer-create"))
    yield Request("staff/volunteers/suspend form", reverse("volunteers:registration-suspend",
                                                           args=[registration.pk]))  # fmt: skip
    yield Request("staff/accounts/list", reverse("centres:account-list"))
    yield Request("staff/accounts/new account form", reverse("centres:account-create"))
    yield Request(
        "staff/accounts/account",
        reverse("centres:account-detail", args=[records.admin["auth.user"]]),
    )
    yield Request("staff/accounts/password change", reverse("centres:password-change"))
    yield Request("admin/index", reverse("admin:index"))


# Searches each admin's own get_search_results does beyond its search_fields.
EXTRA_SEARCHES = {
    "volunteers.volunteer": {"national ID", "registration number"},
    "cases.person": {"national ID"},
    "cases.case": {"national ID"},
}
NAME_FIELDS = ("first_name", "last_name", "name_th", "name", "title", "guardian_name")


def _searches(model, model_admin) -> list[str]:
    """Which of the four searches (Thai name, national ID, case number, registration number)
    this admin answers, read from its search fields."""
    label = model._meta.label_lower
    fields = [f.lstrip("^=@") for f in model_admin.search_fields]
    kinds = set(EXTRA_SEARCHES.get(label, set()))
    if any(f.split("__")[-1] in NAME_FIELDS for f in fields):
        kinds.add("Thai name")
    if any(f.endswith("national_id") for f in fields):
        kinds.add("national ID")
    if (label == "cases.case" and "number" in fields) or any(
        f.endswith("case__number") for f in fields
    ):
        kinds.add("case number")
    if label == "volunteers.registration" and "number" in fields:
        kinds.add("registration number")
    order = ["Thai name", "national ID", "case number", "registration number"]
    return [k for k in order if k in kinds]


def _filters(model, model_admin, records: Records) -> list[tuple[str, str]]:
    """The admin's province and status filters, as (name, query string)."""
    found = []
    for entry in model_admin.list_filter:
        if isinstance(entry, str):
            path = entry
            if path.split("__")[-1] == "province":
                found.append(("province", f"{path}__code__exact={records.centre.province_id}"))
            elif path.split("__")[-1] == "status":
                choices = model._meta.get_field("status").choices
                found.append(("status", f"{path}__exact={choices[0][0]}"))
        elif isinstance(entry, type):
            parameter = getattr(entry, "parameter_name", "")
            if parameter == "province":
                found.append(("province", f"province={records.centre.province_id}"))
            elif parameter in ("status", "reg_status"):
                value = entry.static_choices()[0][0]
                found.append(("status", f"{parameter}={value}"))
    return found


def admin_requests(user, records: Records) -> Iterator[Request]:
    """Every changelist of admin.site._registry: the first page, page 500 where the user has
    that many, filtered by province and by status, searched; every change form (one record
    each) and add form."""
    factory = RequestFactory()
    terms = {
        "Thai name": records.thai_name,
        "case number": records.case.number,
        "registration number": records.registration.number,
    }
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        base = f"admin/{label}"
        changelist = reverse(f"{info}_changelist")
        yield Request(f"{base}/list", changelist)
        request = factory.get(changelist)
        request.user = user
        if model_admin.get_queryset(request).count() > 499 * model_admin.list_per_page:
            yield Request(f"{base}/list page 500", f"{changelist}?p=500")
        for name, query in _filters(model, model_admin, records):
            yield Request(f"{base}/list filter {name}", f"{changelist}?{query}")
        national_id = (
            records.volunteer.national_id
            if label == "volunteers.volunteer"
            else records.person.national_id
        )
        for kind in _searches(model, model_admin):
            term = national_id if kind == "national ID" else terms[kind]
            yield Request(f"{base}/list search {kind}", f"{changelist}?q={term}")
        pk = records.admin.get(label)
        if pk is None:
            first = model_admin.get_queryset(request).order_by("pk").first()
            pk = first.pk if first else None
        if pk is not None:
            yield Request(f"{base}/change", reverse(f"{info}_change", args=[pk]))
        yield Request(f"{base}/add", reverse(f"{info}_add"))
    yield Request("admin/volunteers.volunteer/import form",
                  reverse("admin:volunteers_volunteer_import"))  # fmt: skip


def dashboard_requests(records: Records) -> Iterator[Request]:
    """Every level down to the chair's district (the nation, its region, its province, the
    district), the nation filtered, and each level's eight exports."""
    centre = records.centre
    levels = [
        ("nation", reverse("dashboards:nation"), None),
        (f"region {centre.province.region_id}", None, ("region", centre.province.region_id)),
        (f"province {centre.province_id}", None, ("province", centre.province_id)),
        (f"district {centre.district_id}", None, ("district", centre.district_id)),
    ]
    yield Request("dashboards/index", reverse("dashboards:index"))
    yield Request("dashboards/nation filtered",
                  reverse("dashboards:nation") + "?programme=apm&problem=poverty")  # fmt: skip
    for name, url, place in levels:
        yield Request(f"dashboards/{name}", url or reverse("dashboards:unit", args=place))
        for table in ("volunteers", "cases", "problems", "activity"):
            for fmt in ("csv", "xlsx"):
                if place is None:
                    export = reverse("dashboards:nation-export", args=[table, fmt])
                else:
                    export = reverse("dashboards:unit-export", args=[*place, table, fmt])
                yield Request(f"dashboards/{name}/export {table}.{fmt}", export)


def import_file(rows: int, centre: Centre) -> bytes:
    """A CSV of ``rows`` new volunteers for ``centre``, every row valid: national IDs and
    registration numbers no data set of the builder uses."""
    from cases.bench.data import FIRST_NAMES_FEMALE, LAST_NAMES, _national_id

    registered = timezone.localdate() - dt.timedelta(days=30)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["national_id", "title", "first_name", "last_name", "birth_date", "sex",
                     "programme", "centre_code", "registration_number",
                     "registered_on"])  # fmt: skip
    for n in range(1, rows + 1):
        first, last = FIRST_NAMES_FEMALE[n % 25], LAST_NAMES[n % 40]
        writer.writerow([_national_id("5", n), "นาง", first, last, "15/06/2523",
                         "female", "apm", centre.code, f"{600_000 + n}/{be_year(registered.year)}",
                         _be(registered)])  # fmt: skip
    return out.getvalue().encode()


def job_requests(user, records: Records, *, import_rows: int) -> Iterator[Request]:
    """The volunteer import of ``import_rows`` rows through the admin (the upload, which checks
    every row and shows the preview, then the confirmation, which saves them), and the export
    of every volunteer the user sees, as CSV and as XLSX."""
    upload_url = reverse("admin:volunteers_volunteer_import")
    content: list[bytes] = []  # made at the first upload: --only may run no job at all

    def upload() -> dict:
        if not content:
            content.append(import_file(import_rows, records.centre))
        return {"file": SimpleUploadedFile("bench.csv", content[0], content_type="text/csv")}

    def uploaded(client: Client) -> str:
        response = client.post(upload_url, upload(), secure=True, headers={"host": "localhost"})
        if response.status_code != 302:
            raise RuntimeError(f"the import upload answered {response.status_code}")
        return response["Location"]

    def reported(key: str) -> Callable[[], str]:
        def verify() -> str:
            run = VolunteerImport.objects.filter(created_by=user).order_by("-pk").first()
            report = run.report if run else {}
            if report.get(key) != import_rows:
                return f"{key} {report.get(key)} of {import_rows} rows: {report.get('errors')[:3]}"
            return ""

        return verify

    yield Request("jobs/volunteer import: upload and check", upload_url, method="POST",
                  body=upload, rows=import_rows, verify=reported("valid"))  # fmt: skip
    yield Request("jobs/volunteer import: confirm and save", upload_url, method="POST",
                  body=dict, prepare=uploaded, rows=import_rows,
                  verify=reported("saved"))  # fmt: skip
    visible = Volunteer.objects.visible_to(user).count()
    for fmt in ("csv", "xlsx"):
        url = reverse("admin:volunteers_volunteer_export_file", args=[fmt])
        yield Request(f"jobs/volunteer export all {fmt}", url, rows=max(visible, 1))


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
