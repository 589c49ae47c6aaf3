"""What the whole-site benchmark requests: every staff page, every admin changelist, change
and add form, every dashboard level with its exports, and the volunteers' import and export,
each built from the data set for one user (a real case of the chair's centre, a real volunteer,
real names, national IDs, case and registration numbers to search for).

Request names read ``area/page variant`` (``admin/cases.case/list search case number``,
``staff/cases/list filtered``, ``dashboards/province 10/export cases.csv``) so that
``--only`` can pick a family by a part of its name.
"""

from __future__ import annotations

from cases.bench.pages.admin import (
    EXTRA_SEARCHES,
    IMPORT_ROWS,
    NAME_FIELDS,
    admin_requests,
    import_file,
    job_requests,
)
from cases.bench.pages.records import (
    Records,
    Request,
    bench_records,
    bench_users,
    matches,
)
from cases.bench.pages.staff import dashboard_requests, staff_requests

__all__ = [
    "EXTRA_SEARCHES",
    "IMPORT_ROWS",
    "NAME_FIELDS",
    "Records",
    "Request",
    "admin_requests",
    "bench_records",
    "bench_requests",
    "bench_users",
    "dashboard_requests",
    "import_file",
    "job_requests",
    "matches",
    "staff_requests",
]


def bench_requests(user, records: Records, *, import_rows: int = IMPORT_ROWS) -> list[Request]:
    """Everything the benchmark requests as ``user``, in the order it is requested: the
    staff pages, the admin, the dashboards, then the jobs (import and export)."""
    return [
        *staff_requests(user, records),
        *admin_requests(user, records),
        *dashboard_requests(records),
        *job_requests(user, records, import_rows=import_rows),
    ]
