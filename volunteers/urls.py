from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.VolunteerListView.as_view(), name="volunteer-list"),
    path("new/", views.VolunteerCreateView.as_view(), name="volunteer-create"),
    path("<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer-detail"),
    path(
        "registrations/<int:pk>/suspend/",
        views.RegistrationSuspendView.as_view(),
        name="registration-suspend",
    ),
    path(
        "registrations/<int:pk>/reinstate/",
        views.RegistrationReinstateView.as_view(),
        name="registration-reinstate",
    ),
    path(
        "registrations/<int:pk>/end/", views.RegistrationEndView.as_view(), name="registration-end"
    ),
]
