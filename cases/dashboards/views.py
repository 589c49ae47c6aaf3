"""Supervisor dashboards: read-only pages from the nation down to a district's centres.

A place outside the user's reach answers 404, its exports too; the figures on a reachable
place count only the rows of centres in the user's scope.
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from cases.dashboards.exports import export_table
from cases.dashboards.forms import DashboardFilterForm
from cases.dashboards.levels import LEVEL_LABELS, NATION, Unit, load_unit, reach_for, unit_url
from cases.dashboards.queries import OPEN_STATUSES, Dashboard, analytic_transaction
from centres.models import District, Province, Region


class DashboardMixin(LoginRequiredMixin):
    def get_dashboard(self) -> tuple[Dashboard, DashboardFilterForm]:
        reach = reach_for(self.request.user)
        unit = load_unit(self.kwargs.get("level", NATION), self.kwargs.get("code", ""))
        if not reach.covers_unit(unit):
            # A lazy translation: the 404 page shows such a message (and no other).
            raise Http404(_("This place is outside your scope."))
        form = DashboardFilterForm(self.request.GET)
        return Dashboard(self.request.user, unit, reach, form.filters()), form


class IndexView(LoginRequiredMixin, View):
    """Sends the user to the highest place they reach, or lists them when there are several."""

    def get(self, request):
        homes = reach_for(request.user).home_urls()
        if not homes:
            raise Http404(_("You have no centre to follow."))
        if len(homes) == 1:
            return redirect(unit_url(*homes[0]))
        names = {}
        for model, level in ((Region, "region"), (Province, "province"), (District, "district")):
            codes = [code for lvl, code in homes if lvl == level]
            if codes:
                for place in model.objects.filter(pk__in=codes):
                    names[level, place.pk] = Unit(level, place.pk, place.name_th, place.name_en)
        places = [names[home] for home in homes if home in names]
        return render(request, "dashboards/index.html", {"places": places})


class UnitView(DashboardMixin, TemplateView):
    template_name = "dashboards/unit.html"

    def get_context_data(self, **kwargs):
        dashboard, form = self.get_dashboard()
        unit, reach = dashboard.unit, dashboard.reach
        query = _querystring(dashboard)
        with analytic_transaction():
            tables = dashboard.tables()
        for table in tables:
            table.export_urls = {
                fmt: unit.export_url(table.slug, fmt) + query for fmt in ("csv", "xlsx")
            }
        by_slug = {t.slug: t for t in tables}
        return super().get_context_data(
            **kwargs,
            unit=unit,
            breadcrumb=[(u, u.url if reach.covers_unit(u) else "") for u in unit.lineage()[:-1]],
            form=form,
            filters=dashboard.filters,
            fy_start=dashboard.start,
            fy_end=dashboard.end,
            level_label=LEVEL_LABELS[unit.level],
            row_heading=LEVEL_LABELS[unit.child_level],
            rows_are_centres=dashboard.rows_are_centres,
            tables=tables,
            query=query,
            charts={
                # Persons, not the programme columns: someone in two programmes would count
                # twice in a stack of them, and the bar would no longer match the table.
                "volunteers": _chart(by_slug["volunteers"], ["active"]),
                # Every open case has exactly one status, so the stack equals "Open cases".
                "cases": _chart(by_slug["cases"], [f"status_{s.value}" for s in OPEN_STATUSES]),
            },
        )


class ExportView(DashboardMixin, View):
    def get(self, request, table, fmt, **kwargs):
        dashboard, _form = self.get_dashboard()
        unit = dashboard.unit
        name = "-".join(
            filter(None, [table, unit.level, unit.code, f"fy{dashboard.filters.fiscal_year}"])
        )
        with analytic_transaction():
            figures = dashboard.table(table)
        return export_table(figures, fmt, LEVEL_LABELS[unit.child_level].capitalize(), name)


def _querystring(dashboard: Dashboard) -> str:
    query = dashboard.filters.as_query()
    return "?" + urlencode(query) if query else ""


def _chart(table, keys: list[str]) -> dict:
    """Chart.js data drawn from the table's own figures: a dataset per column in ``keys``,
    labelled with the column's heading. Stacked, the bars of a row add up to the sum of those
    columns, so the columns chosen must not count anyone twice."""
    columns = [c for c in table.columns if c.key in keys]
    return {
        "title": str(table.title),
        "labels": [row.label for row, _values in table.rows],
        "datasets": [
            {
                "key": c.key,
                "label": str(c.label),
                "data": [values[c.key] for _row, values in table.rows],
            }
            for c in columns
        ],
    }
