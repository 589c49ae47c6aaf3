import platform

from django.core.management.base import BaseCommand

from cases.dashboards.bench import (
    bench_data_build,
    bench_data_settle,
    bench_database_use,
    bench_run,
)


class Command(BaseCommand):
    help = (
        "Build (or reuse) a national-size data set in a database of its own and print p50 and "
        "p95 of every dashboard page and export."
    )
    # The checks would open a connection to the configured database before the switch.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=181_000)
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep the data set of an earlier run instead of building it again",
        )
        parser.add_argument("--database-name", default="volunteer_centre_bench")
        parser.add_argument("--seed", type=int, default=2562)

    def handle(self, *args, **options):
        say = self.stdout.write
        name = options["database_name"]
        reused = bench_database_use(name, fresh=not options["reuse"])
        if reused:
            say(f"Reusing the data set in database {name}.")
        else:
            say(f"Building the data set in database {name} …")
            bench_data_build(
                volunteers=options["volunteers"],
                cases=options["cases"],
                seed=options["seed"],
                progress=say,
            )
            bench_data_settle()
        timings = bench_run(runs=options["runs"], progress=say)
        say("")
        say(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
        say(f"{'page':<32} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for t in timings:
            say(f"{t.name:<32} {t.queries:>7} {t.p50:>8.0f} {t.p95:>8.0f}")
