"""The admin's volunteer export (django-import-export): the import's columns, one volunteer a row.

Headers are in the user's language (the keys in English, Thai names in Thai) and values in forms
the import reads back, so an exported file can be corrected and imported again.
"""

from django.db.models import Prefetch
from import_export import fields, resources

from volunteers.importing import COLUMNS, export_row, header
from volunteers.models import Registration


class VolunteerResource(resources.Resource):
    def __init__(self, user=None, registrations=None, **kwargs):
        super().__init__(**kwargs)
        # The registration shown for each volunteer is the latest one the user may see among
        # those matching the list's filters.
        self.registrations = (
            registrations if registrations is not None else Registration.objects.visible_to(user)
        )

    def get_export_fields(self, selected_fields=None):
        return [fields.Field(attribute=c.key, column_name=header(c)) for c in COLUMNS]

    def filter_export(self, queryset, **kwargs):
        registrations = self.registrations.select_related("centre").order_by(
            "-registered_on", "-pk"
        )
        return queryset.select_related("subdistrict").prefetch_related(
            Prefetch("registrations", queryset=registrations, to_attr="exported_registrations")
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        registrations = getattr(instance, "exported_registrations", [])
        row = export_row(instance, registrations[0] if registrations else None)
        return [row[c.key] for c in COLUMNS]
