"""The admin's pages the benchmark requests (every changelist, change and add form), and the
jobs run through it: the volunteer import and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator

from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases.bench.pages.records import Records, Request, _be
from centres.models import Centre
from volunteer_centre.thai import be_year
from volunteers.models import Volunteer, VolunteerImport

# Rows of the volunteer import of the full benchmark (the 100,000).
IMPORT_ROWS = 100_000


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
    yield Request(
        "admin/volunteers.volunteer/import form", reverse("admin:volunteers_volunteer_import")
    )


def import_file(rows: int, centre: Centre) -> bytes:
    """A CSV of ``rows`` new volunteers for ``centre``, every row valid: national IDs and
    registration numbers no data set of the builder uses."""
    from cases.bench.data import FIRST_NAMES_FEMALE, LAST_NAMES, _national_id

    registered = timezone.localdate() - dt.timedelta(days=30)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "national_id",
            "title",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "programme",
            "centre_code",
            "registration_number",
            "registered_on",
        ]
    )
    for n in range(1, rows + 1):
        first, last = FIRST_NAMES_FEMALE[n % 25], LAST_NAMES[n % 40]
        writer.writerow(
            [
                _national_id("5", n),
                "นาง",
                first,
                last,
                "15/06/2523",
                "female",
                "apm",
                centre.code,
                f"{600_000 + n}/{be_year(registered.year)}",
                _be(registered),
            ]
        )
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

    yield Request(
        "jobs/volunteer import: upload and check",
        upload_url,
        method="POST",
        body=upload,
        rows=import_rows,
        verify=reported("valid"),
    )
    yield Request(
        "jobs/volunteer import: confirm and save",
        upload_url,
        method="POST",
        body=dict,
        prepare=uploaded,
        rows=import_rows,
        verify=reported("saved"),
    )
    visible = Volunteer.objects.visible_to(user).count()
    for fmt in ("csv", "xlsx"):
        url = reverse("admin:volunteers_volunteer_export_file", args=[fmt])
        yield Request(f"jobs/volunteer export all {fmt}", url, rows=max(visible, 1))
