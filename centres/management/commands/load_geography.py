from django.core.management.base import BaseCommand

from centres.reference import geography_load


class Command(BaseCommand):
    help = "Load Thailand's regions, provinces, districts and subdistricts from geothai."

    def handle(self, *args, **options):
        for name, (new, changed) in geography_load().items():
            self.stdout.write(f"{name}: {new} new, {changed} changed")
