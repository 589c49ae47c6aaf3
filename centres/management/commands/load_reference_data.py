from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from centres.reference import centres_load
from centres.roles import groups_load


class Command(BaseCommand):
    help = (
        "Load geography, the reference centres, the role groups and each app's reference "
        "data (idempotent)."
    )

    def handle(self, *args, **options):
        call_command("load_geography", stdout=self.stdout)
        self.stdout.write(f"centres: {centres_load()} new")
        # One permission group per role, reset to its defined permissions on every load.
        groups = ", ".join(f"{name} {count}" for name, count in groups_load().items())
        self.stdout.write(f"role groups (permissions): {groups}")
        # Apps further up the dependency chain (cases: agencies) add their own reference data
        # through a load_reference_data() method on their AppConfig, so nothing imports upward.
        for config in apps.get_app_configs():
            loader = getattr(config, "load_reference_data", None)
            if loader is not None:
                self.stdout.write(f"{config.label}: {loader()}")
