"""manage.py bench_dashboards: what it always timed, the dashboards, now ``bench --only
dashboards/`` (the same options; the data set is the whole site's)."""

from cases.management.commands.bench import Command as BenchCommand


class Command(BenchCommand):
    help = "The dashboards' part of manage.py bench: bench --only dashboards/ (same options)."
    default_only = "dashboards/"
