from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    # Menu entries of the staff pages (see volunteer_centre.context_processors).
    nav_items = [("cases:case-list", _("Cases")), ("dashboards:index", _("Dashboards"))]
    name = "cases"
    verbose_name = _("Cases")

    def load_reference_data(self) -> str:
        """Called by ``manage.py load_reference_data``: the starter list of partner agencies."""
        from cases.reference import agencies_load

        new, changed = agencies_load()
        return f"agencies: {new} new, {changed} changed"

    def load_demo_data(self) -> list[str]:
        """Called by ``manage.py load_demo_data`` after the volunteers' demo: demo cases."""
        from cases.demo import cases_demo_load

        cases_demo_load()
        return []
