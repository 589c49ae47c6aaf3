from django.contrib import admin
from django.urls import include, path

from volunteer_centre import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("centres.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("", views.HomeView.as_view(), name="home"),
]
