"""manage.py bench: the whole site, timed on a national data set (see README, "Benchmark")."""

from __future__ import annotations

import platform
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from cases.bench.data import (
    bench_data_build,
    bench_data_settle,
    bench_database_drop,
    bench_database_use,
)
from cases.bench.pages import (
    IMPORT_ROWS,
    bench_records,
    bench_requests,
    bench_users,
    matches,
)
from cases.bench.plans import bench_plans
from cases.bench.run import Result, bench_requests_run, markdown, table
from cases.bench.small import bench_small, small_database_name


class Command(BaseCommand):
    help = (
        "Build (or reuse) a national data set in a database of its own and time every staff "
        "page, admin page, dashboard, export and the volunteer import, as a ministry "
        "administrator and as a centre chair: p50, p95, queries and size. --small checks query "
        "counts and sizes on a tiny data set in the test database instead."
    )
    # The checks would open a connection to the configured database before the switch.
    requires_system_checks = []
    default_only: str | None = None

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=250_000)
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--runs", type=int, default=10, help="timed requests per page")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep the data set of an earlier run instead of building it again",
        )
        parser.add_argument("--database-name", default="volunteer_centre_bench")
        parser.add_argument("--seed", type=int, default=2562)
        parser.add_argument(
            "--only",
            metavar="PATTERN",
            default=self.default_only,
            help="requests whose name (or user:name) contains PATTERN, or matches it as a "
            "shell pattern: staff/, admin/cases.case, chair:dashboards/*, jobs/",
        )
        parser.add_argument(
            "--small",
            action="store_true",
            help="a tiny data set in the test database, every page once at N and 2N rows: "
            "query counts must not grow, no page over the size budget; exits 1 otherwise",
        )
        parser.add_argument(
            "--plans",
            action="store_true",
            help="a middle-sized data set in the test database, every page once as every role, "
            "each SELECT explained: lists the pages whose plans read thousands of rows",
        )
        parser.add_argument("--json", metavar="FILE", help="--plans: also write the report here")
        parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS)
        parser.add_argument("--markdown", metavar="FILE", help="also write the tables here")

    def handle(self, *args, **options):
        if options["small"]:
            return self.small(options)
        if options["plans"]:
            return self.plans(options)
        say = self.stdout.write
        name = options["database_name"]
        if bench_database_use(name, fresh=not options["reuse"]):
            say(f"Reusing the data set in database {name}.")
        else:
            say(f"Building the data set in database {name} …")
            started = time.perf_counter()
            report = bench_data_build(
                volunteers=options["volunteers"],
                cases=options["cases"],
                seed=options["seed"],
                progress=say,
            )
            settle = time.perf_counter()
            bench_data_settle()
            done = time.perf_counter()
            say(
                f"Built in {settle - started:,.0f} s, VACUUM (ANALYZE) {done - settle:,.0f} s: "
                f"{sum(report.counts.values()):,} rows."
            )
        users = bench_users()
        records = bench_records(users["chair"])
        results: list[Result] = []
        for label, user in users.items():
            client = Client(raise_request_exception=False)
            client.force_login(user)
            requests = [
                r
                for r in bench_requests(user, records, import_rows=options["import_rows"])
                if matches(options["only"], label, r)
            ]
            say(f"As {label} ({user.username}): {len(requests)} requests")
            results += bench_requests_run(
                client, label, requests, runs=options["runs"], progress=say
            )
        say("")
        say(
            f"{platform.machine()}, {connection.vendor} {connection.pg_version}, "
            f"Python {platform.python_version()}, {options['runs']} timed runs a page"
        )
        for text in table(results):
            say(text)
        if options["markdown"]:
            Path(options["markdown"]).write_text("\n".join(markdown(results)) + "\n")

    @staticmethod
    def in_test_database(run):
        """``run()`` in the test database: the one already in use under the test runner, else
        created for the run and dropped after it."""
        test_name = small_database_name()
        switched = connection.settings_dict["NAME"] != test_name
        if switched:
            bench_database_use(test_name, fresh=True)
        try:
            return run()
        finally:
            if switched:
                bench_database_drop(test_name)

    def plans(self, options):
        say = self.stdout.write
        report = self.in_test_database(lambda: bench_plans(seed=options["seed"], progress=say))
        for text in report.table():
            say(text)
        say("As KNOWN_READING:")
        say(report.known())
        if options["json"]:
            Path(options["json"]).write_text(report.as_json())

    def small(self, options):
        say = self.stdout.write
        report = self.in_test_database(lambda: bench_small(seed=options["seed"], progress=say))
        for text in report.table():
            say(text)
        problems = report.problems()
        if problems:
            raise CommandError("--small: " + "; ".join(problems))
        say("--small: no page's queries grow with the rows, none is over the size budget.")
