from django.urls import path

from centres import views

app_name = "centres"
urlpatterns = [
    path("geo/provinces/<str:code>/districts/", views.district_options, name="district-options"),
    path(
        "geo/districts/<str:code>/subdistricts/",
        views.subdistrict_options,
        name="subdistrict-options",
    ),
]
