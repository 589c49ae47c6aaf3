from django.urls import path

from centres import account_views, views

app_name = "centres"
urlpatterns = [
    path("geo/provinces/<str:code>/districts/", views.district_options, name="district-options"),
    path(
        "geo/districts/<str:code>/subdistricts/",
        views.subdistrict_options,
        name="subdistrict-options",
    ),
    path("accounts/manage/", account_views.AccountListView.as_view(), name="account-list"),
    path("accounts/manage/new/", account_views.AccountCreateView.as_view(), name="account-create"),
    path(
        "accounts/manage/<int:pk>/",
        account_views.AccountDetailView.as_view(),
        name="account-detail",
    ),
    path(
        "accounts/manage/<int:pk>/password/",
        account_views.AccountCredentialsView.as_view(),
        name="account-credentials",
    ),
    path(
        "accounts/manage/<int:pk>/reset-password/",
        account_views.AccountPasswordResetView.as_view(),
        name="account-password-reset",
    ),
    path(
        "accounts/manage/<int:pk>/deactivate/",
        account_views.AccountDeactivateView.as_view(),
        name="account-deactivate",
    ),
    path(
        "accounts/manage/<int:pk>/reactivate/",
        account_views.AccountReactivateView.as_view(),
        name="account-reactivate",
    ),
    path(
        "accounts/manage/<int:pk>/edit/",
        account_views.AccountEditView.as_view(),
        name="account-edit",
    ),
    path(
        "accounts/manage/<int:pk>/volunteer/",
        account_views.AccountVolunteerView.as_view(),
        name="account-volunteer",
    ),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "accounts/password/done/",
        account_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
]
