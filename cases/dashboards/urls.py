from django.urls import path, register_converter
from django.urls.converters import StringConverter

from cases.dashboards import views
from cases.dashboards.exports import FORMATS
from cases.dashboards.queries import Dashboard


# Path segments limited to a few words, so anything else is a 404 before any view runs.
class LevelConverter(StringConverter):
    regex = "region|province|district"


class TableConverter(StringConverter):
    regex = "|".join(Dashboard.TABLES)


class FormatConverter(StringConverter):
    regex = "|".join(FORMATS)


register_converter(LevelConverter, "dashboard_level")
register_converter(TableConverter, "dashboard_table")
register_converter(FormatConverter, "export_format")

app_name = "dashboards"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("nation/", views.UnitView.as_view(), name="nation"),
    path(
        "nation/<dashboard_table:table>.<export_format:fmt>",
        views.ExportView.as_view(),
        name="nation-export",
    ),
    path("<dashboard_level:level>/<str:code>/", views.UnitView.as_view(), name="unit"),
    path(
        "<dashboard_level:level>/<str:code>/<dashboard_table:table>.<export_format:fmt>",
        views.ExportView.as_view(),
        name="unit-export",
    ),
]
