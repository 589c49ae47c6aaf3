"""The database of people facing social problems (ฐานข้อมูลผู้ประสบปัญหาทางสังคม).

Persons and households, partner agencies, and cases with their events, home visits,
assistance, referrals and consent. Status changes and every other write that matters go
through cases.services; the models only hold rows, constraints and read helpers.

One module a subject; every name is imported from here (``from cases.models import Case``).
The imports below follow the modules' dependencies, and register the models in the order of
the single module they come from (Django orders a model's related objects by it).
"""

# isort: off
from cases.models.persons import (
    Household,
    HouseholdMember,
    HouseholdMemberQuerySet,
    HouseholdQuerySet,
    NoIdReason,
    Person,
    PersonQuerySet,
    Relation,
    TargetGroup,
)
from cases.models.agencies import Agency, AgencyQuerySet
from cases.models.cases import (
    DEFAULT_FIRST_VISIT_DAYS,
    Case,
    CaseAssignment,
    CaseChildQuerySet,
    CaseCounter,
    CaseQuerySet,
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    Problem,
    ReporterType,
    RiskFlag,
    Urgency,
    first_visit_days,
    not_yet_due_q,
    overdue_q,
    unvisited_q,
)
from cases.models.events import CaseEvent, change_line
from cases.models.visits import Visit
from cases.models.assistance import (
    MAX_ASSISTANCE_AMOUNT,
    MAX_ITEM_QUANTITY,
    Assistance,
    AssistanceItem,
    AssistanceItemQuerySet,
    AssistanceKind,
    AssistanceProgramme,
)
from cases.models.referrals import Consent, ConsentGiver, LawfulBasis, Referral, ReferralStatus
from cases.models.transfers import CaseTransfer, CaseTransferQuerySet, TransferStatus
from cases.models.summaries import ActiveVolunteer, DashboardTally, DashboardTallyQuerySet
# isort: on

__all__ = [
    "DEFAULT_FIRST_VISIT_DAYS",
    "MAX_ASSISTANCE_AMOUNT",
    "MAX_ITEM_QUANTITY",
    "ActiveVolunteer",
    "Agency",
    "AgencyQuerySet",
    "Assistance",
    "AssistanceItem",
    "AssistanceItemQuerySet",
    "AssistanceKind",
    "AssistanceProgramme",
    "Case",
    "CaseAssignment",
    "CaseChildQuerySet",
    "CaseCounter",
    "CaseEvent",
    "CaseQuerySet",
    "CaseStatus",
    "CaseTransfer",
    "CaseTransferQuerySet",
    "ClosureReason",
    "Consent",
    "ConsentGiver",
    "DashboardTally",
    "DashboardTallyQuerySet",
    "Household",
    "HouseholdMember",
    "HouseholdMemberQuerySet",
    "HouseholdQuerySet",
    "IntakeChannel",
    "LawfulBasis",
    "NoIdReason",
    "Person",
    "PersonQuerySet",
    "Problem",
    "Referral",
    "ReferralStatus",
    "Relation",
    "ReporterType",
    "RiskFlag",
    "TargetGroup",
    "TransferStatus",
    "Urgency",
    "Visit",
    "change_line",
    "first_visit_days",
    "not_yet_due_q",
    "overdue_q",
    "unvisited_q",
]
