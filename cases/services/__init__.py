"""Every write to a case that matters: opening, status changes, assignments, visits,
assistance, consent and referrals. Each runs in one transaction, checks that the actor may
write at the case's centre, refuses bad input with a ValidationError in the user's language
(keyed by form field where there is one) and appends a CaseEvent. Nothing is overwritten.

One module per subject; every name the rest of the project imports from ``cases.services`` is
re-exported here.
"""

from cases.services._checks import EARLIEST_CASE_DATE, TRANSFER_EVENT_KINDS, S
from cases.services.assignments import case_assign_volunteers, case_unassign_volunteers
from cases.services.assistance import Item, assistance_record
from cases.services.consent import consent_record, consent_withdraw
from cases.services.corrections import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    NO_CASE_MESSAGE,
    PERSON_FIELDS,
    STALE_MESSAGE,
    case_version,
    household_correction_cases,
    household_version,
    person_correction_cases,
    person_corrections,
    person_version,
)
from cases.services.households import MAX_MONTHLY_INCOME, MemberRow, household_update
from cases.services.intake import CASE_DETAIL_FIELDS, case_number, case_open
from cases.services.persons import person_update
from cases.services.reading import TimelineEntry, case_timeline, person_possible_duplicates
from cases.services.referrals import (
    NO_BASIS_MESSAGE,
    REFERRAL_TRANSITIONS,
    R,
    referral_create,
    referral_update_status,
)
from cases.services.status import CASE_TRANSITIONS, case_change_status
from cases.services.transfers import (
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_decline,
    case_transfer_request,
)
from cases.services.updates import case_update
from cases.services.visits import visit_record

__all__ = [
    "CASE_DETAIL_FIELDS",
    "CASE_TRANSITIONS",
    "EARLIEST_CASE_DATE",
    "HOUSEHOLD_FIELDS",
    "MAX_MONTHLY_INCOME",
    "MEMBER_FIELDS",
    "NO_BASIS_MESSAGE",
    "NO_CASE_MESSAGE",
    "PERSON_FIELDS",
    "REFERRAL_TRANSITIONS",
    "STALE_MESSAGE",
    "TRANSFER_EVENT_KINDS",
    "Item",
    "MemberRow",
    "R",
    "S",
    "TimelineEntry",
    "assistance_record",
    "case_assign_volunteers",
    "case_change_status",
    "case_number",
    "case_open",
    "case_timeline",
    "case_transfer_accept",
    "case_transfer_cancel",
    "case_transfer_decline",
    "case_transfer_request",
    "case_unassign_volunteers",
    "case_update",
    "case_version",
    "consent_record",
    "consent_withdraw",
    "household_correction_cases",
    "household_update",
    "household_version",
    "person_correction_cases",
    "person_corrections",
    "person_possible_duplicates",
    "person_update",
    "person_version",
    "referral_create",
    "referral_update_status",
    "visit_record",
]
