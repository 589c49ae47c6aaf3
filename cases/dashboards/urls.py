from django.urls import path, register_converter
from django.urls.converters import StringConverter

from cases.dashboards import views
from cases.dashboards.exports import FORMATS
from cases.dashboards.queries import Dashboard


# Path segments limited to a few words, so anything else is a 404 before any view runs.
class LevelConverter(StringConverter):
    regex = "region|province|district"


# Region codes (BKK, NE), province (10) and district (1005) codes: letters and digits only, so a
# NUL byte or any other character answers 404 instead of reaching the database.
class PlaceCodeConverter(StringConverter):
    regex = "[A-Za-z0-9]{1,8}"


class TableConverter(StringConverter):
    regex = "|".join(Dashboard.TABLES)


class FormatConverter(StringConverter):
    regex = "|".join(FORMATS)


register_converter(LevelConverter, "dashboard_level")
register_converter(PlaceCodeConverter, "place_code")
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
    path("<dashboard_level:level>/<place_code:code>/", views.UnitView.as_view(), name="unit"),
    path(
        "<dashboard_level:level>/<place_code:code>/<dashboard_table:table>.<export_format:fmt>",
        views.ExportView.as_view(),
        name="unit-export",
    ),
]
