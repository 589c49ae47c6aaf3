from django.core.management.base import BaseCommand

from centres.roles import roles_sync_all


class Command(BaseCommand):
    help = (
        "Give every user the permission groups of the roles they hold today, and staff status "
        "if they hold any (assignments start and end by date: run it daily)."
    )

    def handle(self, *args, **options):
        seen, changed = roles_sync_all()
        self.stdout.write(f"users: {seen} looked at, {changed} changed")
