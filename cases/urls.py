from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="case-list"),
    path("new/", views.IntakeView.as_view(), name="case-create"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("<int:pk>/visits/new/", views.VisitCreateView.as_view(), name="visit-create"),
    path(
        "<int:pk>/assistance/new/", views.AssistanceCreateView.as_view(), name="assistance-create"
    ),
    path("<int:pk>/referrals/new/", views.ReferralCreateView.as_view(), name="referral-create"),
    path("<int:pk>/status/", views.StatusChangeView.as_view(), name="case-status"),
    path("<int:pk>/volunteers/", views.AssignView.as_view(), name="case-assign"),
    path("referrals/<int:pk>/status/", views.ReferralStatusView.as_view(), name="referral-status"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    # Corrections (issue 11)
    path("<int:pk>/edit/", views.CaseEditView.as_view(), name="case-edit"),
    path("<int:pk>/volunteers/remove/", views.UnassignView.as_view(), name="case-unassign"),
    path(
        "consents/<int:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent-withdraw"
    ),
    path("persons/<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household-edit"),
]

# Transfers to another centre.
urlpatterns += [
    path("<int:pk>/transfer/", views.TransferRequestView.as_view(), name="transfer-create"),
    path("transfers/<int:pk>/", views.TransferDetailView.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/accept/", views.TransferAcceptView.as_view(), name="transfer-accept"),
    path(
        "transfers/<int:pk>/decline/",
        views.TransferDeclineView.as_view(),
        name="transfer-decline",
    ),
    path("transfers/<int:pk>/cancel/", views.TransferCancelView.as_view(), name="transfer-cancel"),
]
