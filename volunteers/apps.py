from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def load_demo_data(self) -> list[str]:
        """Called by manage.py load_demo_data: the demo registry (no extra logins)."""
        from volunteers.demo import volunteers_demo_load

        return volunteers_demo_load()
