from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    # Menu entries of the staff pages (see volunteer_centre.context_processors).
    nav_items = [("volunteers:volunteer-list", _("Volunteers"))]
    name = "volunteers"
    verbose_name = _("Volunteers")

    def load_demo_data(self) -> list[str]:
        """Called by manage.py load_demo_data: the demo registry (lines only for a demo chair
        left unlinked to a volunteer record)."""
        from volunteers.demo import volunteers_demo_load

        return volunteers_demo_load()
