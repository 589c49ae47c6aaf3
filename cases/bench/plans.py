"""``bench --plans``: the pages' query plans on a data set big enough for PostgreSQL to plan
as it would for the nation, as every role.

``bench --small`` counts queries, which shows a query a row but not a query that reads the
whole table to show 25 rows of it: on 30 cases every plan is cheap. Here the data set holds
tens of thousands of volunteers and cases over every district (PostgreSQL prefers a scan to an
index only on small tables, so the plans are those of the nation), the planner's statistics
are made fresh, and each page is requested once as a ministry administrator, a supervisor of
a region, a chair and a staff member of one district centre. Each of its SELECTs is then run
again under ``EXPLAIN ANALYZE``, and every plan node that read more than ``READ_LIMIT`` rows
of a table (rows returned plus rows filtered out, over every loop) is reported: a page that
reads that much here reads forty times as much at national size.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings

from cases.bench.data import BENCH_DISTRICT, CHAIR_USERNAME, bench_data_build, bench_data_settle
from cases.bench.pages import Request, bench_records, bench_requests, bench_users
from cases.bench.run import HEADERS, quiet_refusals
from centres.models import Centre, StaffAssignment
from centres.roles import roles_sync

PLAN_VOLUNTEERS = 12_000
PLAN_CASES = 25_000
# Rows one plan node may read from one table. The whole data set's lists are read a page at a
# time (25 to 100 rows), a chair's district holds a few hundred cases: only a scan of a large
# part of a table reads more.
READ_LIMIT = 2_000
SUPERVISOR_USERNAME = "bench-supervisor"
STAFF_USERNAME = "bench-staff"

# The nodes that read a table, and the counters of the rows they read and threw away.
_SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan"}
_REMOVED = ("Rows Removed by Filter", "Rows Removed by Index Recheck")
# Tables of the same size for any number of volunteers and cases: Thailand's 7,436
# subdistricts are read whole by their own admin list at national size too, and the
# benchmark times that.
# The dashboards' tallies grow with the centres and the years, not with the cases: this data
# set has every district's centre, so they are read here as for the nation.
FIXED_TABLES = {
    "centres_region",
    "centres_province",
    "centres_district",
    "centres_subdistrict",
    "cases_dashboardtally",
}
# The national data set's cases: the lists' count thresholds are scaled from it to this data
# set, so that a list counts here exactly when it would count exactly for the nation (an
# unfiltered list of 25,000 cases is counted, one of a million is estimated).
NATIONAL_CASES = 1_000_000


@dataclass
class PlanReport:
    """Per request (``user:name``), the tables it read too much of: table -> rows read."""

    reads: dict[str, dict[str, int]] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    queries: int = 0  # SELECTs explained

    def as_json(self) -> str:
        return json.dumps(
            {"reads": self.reads, "statuses": self.statuses, "queries": self.queries},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> PlanReport:
        return cls(**json.loads(text))

    def known(self) -> str:
        """The reads as the Python literal of tests/test_bench_plans.py's KNOWN_READING."""
        lines = ["{"]
        for key, tables in self.reads.items():
            names = ", ".join(repr(table) for table in sorted(tables))
            lines.append(f"    {key!r}: {{{names}}},")
        return "\n".join([*lines, "}"])

    def table(self) -> list[str]:
        lines = [f"Explained {self.queries:,} SELECTs of {len(self.statuses)} requests."]
        if not self.reads:
            return [*lines, f"No plan read more than {READ_LIMIT:,} rows of a table."]
        lines.append(f"Requests with a plan that read more than {READ_LIMIT:,} rows of a table:")
        for key, tables in self.reads.items():
            read = ", ".join(f"{table} {rows:,}" for table, rows in sorted(tables.items()))
            lines.append(f"  {key}: {read}")
        return lines


def plan_reads(sql: str, params=None) -> dict[str, int]:
    """Run ``sql`` under EXPLAIN ANALYZE: the tables (geography aside) of which one node read
    more than READ_LIMIT rows, with the most one node read."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    reads: dict[str, int] = {}
    for node in _nodes(plan[0]["Plan"]):
        if node["Node Type"] not in _SCANS or "Relation Name" not in node:
            continue
        per_loop = node.get("Actual Rows", 0) + sum(node.get(k, 0) for k in _REMOVED)
        read = int(per_loop * node.get("Actual Loops", 1))
        if read > READ_LIMIT and node["Relation Name"] not in FIXED_TABLES:
            table = node["Relation Name"]
            reads[table] = max(reads.get(table, 0), read)
    return reads


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _explainable(sql: str) -> bool:
    head = sql.lstrip().upper()
    return head.startswith(("SELECT", "WITH")) and " FOR UPDATE" not in head


def plan_users() -> dict[str, object]:
    """Every role, each as one user: the ministry administrator and the chair of the
    benchmark, a supervisor of the chair's region and a staff member of the chair's centre
    (made here the first time)."""
    User = get_user_model()
    chair = User.objects.get(username=CHAIR_USERNAME)
    centre = Centre.objects.filter(district_id=BENCH_DISTRICT).order_by("pk").first()
    Role = StaffAssignment.Role
    for username, role, area in (
        (SUPERVISOR_USERNAME, Role.SUPERVISOR, {"region_id": centre.province.region_id}),
        (STAFF_USERNAME, Role.STAFF, {"centre": centre}),
    ):
        user, made = User.objects.get_or_create(username=username)
        if made:
            StaffAssignment.objects.create(
                user=user, role=role, starts_on=dt.date(2020, 1, 6), **area
            )
            roles_sync(user)
    users = bench_users()
    return {
        "ministry": users["ministry"],
        "supervisor": User.objects.get(username=SUPERVISOR_USERNAME),
        "chair": chair,
        "staff": User.objects.get(username=STAFF_USERNAME),
    }


def _explain_request(client: Client, request: Request) -> tuple[int, list[tuple]]:
    """Request once: the status and the statements run, with their parameters."""
    statements: list[tuple] = []

    def keep(execute, sql, params, many, context):
        if not many:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        response = client.get(request.url, secure=True, headers=HEADERS)
        if response.streaming:
            for _ in response.streaming_content:
                pass
    return response.status_code, statements


def bench_plans(
    *,
    volunteers: int = PLAN_VOLUNTEERS,
    cases: int = PLAN_CASES,
    seed: int = 2562,
    progress: Callable[[str], None] = print,
) -> PlanReport:
    """Build the data set in the current (test) database, then explain every page's SELECTs
    as every role. Pages only: the import and the export read every row by design."""
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError("bench --plans writes into a test database only")
    if connection.in_atomic_block:
        raise RuntimeError("bench --plans commits its data set: run it outside a transaction")
    bench_data_build(volunteers=volunteers, cases=cases, seed=seed, fast=False, progress=progress)
    # As for the nation: committed rows, the visibility map made (without which PostgreSQL
    # costs every index-only scan as a heap read, and plans differently) and fresh statistics.
    bench_data_settle()
    users = plan_users()
    records = bench_records(users["chair"])
    report = PlanReport()
    scale = cases / NATIONAL_CASES
    thresholds = {
        name: max(1, int(getattr(settings, name) * scale))
        for name in ("ADMIN_ESTIMATED_COUNT_FROM", "LIST_ESTIMATED_COUNT_FROM")
    }
    with quiet_refusals(), override_settings(**thresholds):
        _explain_all(users, records, report, progress)
    return report


def _explain_all(users: dict, records, report: PlanReport, progress) -> None:
    # The same statement with the same parameters reads the same rows: nothing writes while
    # the pages are explained (GET requests only). The session's, the user's and the scope's
    # queries of every request are explained once.
    explained: dict[str, dict[str, int]] = {}
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for request in bench_requests(user, records, import_rows=1):
            if request.is_job or request.method != "GET":
                continue
            key = f"{label}:{request.name}"
            status, statements = _explain_request(client, request)
            report.statuses[key] = status
            for sql, params in statements:
                if not _explainable(sql):
                    continue
                report.queries += 1
                memo = f"{sql}\x00{params!r}"
                if memo not in explained:
                    explained[memo] = plan_reads(sql, params)
                for table, rows in explained[memo].items():
                    tables = report.reads.setdefault(key, {})
                    tables[table] = max(tables.get(table, 0), rows)
            if key in report.reads:
                progress(
                    f"  {key}: " + ", ".join(f"{t} {n:,}" for t, n in report.reads[key].items())
                )
