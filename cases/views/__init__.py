"""Staff pages for centre chairs and staff: their cases, on a phone."""

from cases.views._common import CaseActionView, user_writes_case
from cases.views.corrections import (
    CaseEditView,
    ConsentWithdrawView,
    CorrectionView,
    HouseholdEditView,
    PersonEditView,
    UnassignView,
    case_corrections_context,
    person_corrections_context,
)
from cases.views.desk import CaseListView, DeskView, desk_recent_events
from cases.views.detail import CaseDetailView, PersonDetailView
from cases.views.intake import IntakeView
from cases.views.records import (
    AssignView,
    AssistanceCreateView,
    ReferralCreateView,
    ReferralStatusView,
    StatusChangeView,
    VisitCreateView,
)
from cases.views.transfers import (
    TransferAcceptView,
    TransferAnswerView,
    TransferCancelView,
    TransferDeclineView,
    TransferDetailView,
    TransferRequestView,
    add_transfer_context,
    desk_transfers,
    render_transfer,
)

__all__ = [
    "AssignView",
    "AssistanceCreateView",
    "CaseActionView",
    "CaseDetailView",
    "CaseEditView",
    "CaseListView",
    "ConsentWithdrawView",
    "CorrectionView",
    "DeskView",
    "HouseholdEditView",
    "IntakeView",
    "PersonDetailView",
    "PersonEditView",
    "ReferralCreateView",
    "ReferralStatusView",
    "StatusChangeView",
    "TransferAcceptView",
    "TransferAnswerView",
    "TransferCancelView",
    "TransferDeclineView",
    "TransferDetailView",
    "TransferRequestView",
    "UnassignView",
    "VisitCreateView",
    "add_transfer_context",
    "case_corrections_context",
    "desk_recent_events",
    "desk_transfers",
    "person_corrections_context",
    "render_transfer",
    "user_writes_case",
]
