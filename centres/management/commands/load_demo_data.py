from django.apps import apps
from django.core.management.base import BaseCommand

from centres.demo import demo_users_load


class Command(BaseCommand):
    help = "Load demo logins and records for trying the site (idempotent). Not for production."

    def handle(self, *args, **options):
        logins = demo_users_load()
        # Apps further up the chain (volunteers, cases) add demo records through a
        # load_demo_data() method on their AppConfig that returns more login lines.
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo_data", None)
            if loader is not None:
                logins += loader() or []
        self.stdout.write(
            self.style.SUCCESS("Demo logins (staff pages http://127.0.0.1:8000/, admin /admin/):")
        )
        for line in logins:
            self.stdout.write(f"  {line}")
