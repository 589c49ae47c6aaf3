from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.VolunteerListView.as_view(), name="volunteer-list"),
    path("new/", views.VolunteerCreateView.as_view(), name="volunteer-create"),
    path("<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer-detail"),
]
