"""The admin of the cases database.

Everything centre-owned goes through ScopedAdminMixin (visible_to, read-only supervisors, 404
outside scope). Case status, visits, assistance, consent and referrals are written only by
cases.services: the admin's forms check their input, and the admin's save runs each service
once (ServiceSaveAdminMixin); a refusal rolls the whole save back and shows the service's
messages next to the fields.

One module a subject: writing (saving through the services), lists (paging and search),
filters, inlines (a case's rows), persons (and households), agencies, cases, referrals,
consents, transfers. Importing this package imports them all, which registers every admin
(Django imports ``cases.admin``); their names are re-exported here.
"""

from cases.admin.agencies import AgencyAdmin
from cases.admin.cases import CaseAddForm, CaseAdmin, CaseChangeForm
from cases.admin.consents import ConsentAdmin
from cases.admin.filters import (
    CentreListFilter,
    CentrePlaceListFilter,
    DistrictListFilter,
    FiscalYearListFilter,
    ProblemListFilter,
    ProvinceListFilter,
    TypedWhenLongFilter,
    fiscal_years_of,
)
from cases.admin.inlines import (
    AssignmentAdminForm,
    AssistanceAdminForm,
    AssistanceInline,
    CaseAssignmentInline,
    CaseEventInline,
    ConsentAdminForm,
    ConsentInline,
    ReferralAdminForm,
    ReferralInline,
    VisitAdminForm,
    VisitInline,
    parse_items,
)
from cases.admin.lists import CaseChildListAdminMixin, CasesListAdminMixin
from cases.admin.persons import (
    COMMON_NAME_FROM,
    PERSON_FIELDSETS,
    HouseholdAdmin,
    HouseholdAdminForm,
    HouseholdMemberFormSet,
    HouseholdMemberInline,
    PersonAdmin,
    PersonAdminForm,
    duplicate_warning,
    person_links,
)
from cases.admin.referrals import ReferralAdmin, ReferralStatusAdminForm
from cases.admin.transfers import CaseTransferAdmin, TransferCentreListFilter
from cases.admin.writing import (
    RefusalsFormMixin,
    ServiceForm,
    ServiceInline,
    ServiceRefused,
    ServiceSave,
    ServiceSaveAdminMixin,
    UndeletableAdminMixin,
    acting_form,
    add_service_error,
    save_service_formset,
    service_save,
)

# A filter with more choices than this is typed (a centre's code, a district's DOPA code)
# instead of listed: a ministry administrator's thousand centres and nine hundred districts
# made every case list page 300 KB of links. Read by cases.admin.filters at each use.
LISTED_CHOICES_UP_TO = 100

__all__ = [
    "COMMON_NAME_FROM",
    "LISTED_CHOICES_UP_TO",
    "PERSON_FIELDSETS",
    "AgencyAdmin",
    "AssignmentAdminForm",
    "AssistanceAdminForm",
    "AssistanceInline",
    "CaseAddForm",
    "CaseAdmin",
    "CaseAssignmentInline",
    "CaseChangeForm",
    "CaseChildListAdminMixin",
    "CaseEventInline",
    "CaseTransferAdmin",
    "CasesListAdminMixin",
    "CentreListFilter",
    "CentrePlaceListFilter",
    "ConsentAdmin",
    "ConsentAdminForm",
    "ConsentInline",
    "DistrictListFilter",
    "FiscalYearListFilter",
    "HouseholdAdmin",
    "HouseholdAdminForm",
    "HouseholdMemberFormSet",
    "HouseholdMemberInline",
    "PersonAdmin",
    "PersonAdminForm",
    "ProblemListFilter",
    "ProvinceListFilter",
    "ReferralAdmin",
    "ReferralAdminForm",
    "ReferralInline",
    "ReferralStatusAdminForm",
    "RefusalsFormMixin",
    "ServiceForm",
    "ServiceInline",
    "ServiceRefused",
    "ServiceSave",
    "ServiceSaveAdminMixin",
    "TransferCentreListFilter",
    "TypedWhenLongFilter",
    "UndeletableAdminMixin",
    "VisitAdminForm",
    "VisitInline",
    "acting_form",
    "add_service_error",
    "duplicate_warning",
    "fiscal_years_of",
    "parse_items",
    "person_links",
    "save_service_formset",
    "service_save",
]
