from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.views import DeskView
from volunteer_centre import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Log in and out only: no e-mail is configured, so no self-service password reset.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("centres.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("dashboards/", include("cases.dashboards.urls")),
    path("cases/", include("cases.urls")),
    path("", DeskView.as_view(), name="home"),
]

# Error pages in the site's layout and the user's language (volunteer_centre/views.py).
handler400 = "volunteer_centre.views.bad_request"
handler403 = "volunteer_centre.views.permission_denied"
handler404 = "volunteer_centre.views.page_not_found"
handler500 = "volunteer_centre.views.server_error"
