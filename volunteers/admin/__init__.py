"""The volunteer registry in the admin, for ministry staff.

Every list, change page, autocomplete, filter and export starts from ``visible_to(user)``
(ScopedAdminMixin). Importing this package registers every admin (each module registers its
own); the names are re-exported for those who import them from ``volunteers.admin``.
"""

from volunteers.admin._common import ScopedAdmin
from volunteers.admin.centre_roles import CentreRoleAdmin, CentreRoleFormSet, CentreRoleInline
from volunteers.admin.events import AttendanceInline, EventAdmin, EventAttendanceInline
from volunteers.admin.exports import EXPORT_FORMATS, XLSX_IN_MEMORY, VolunteerExportMixin
from volunteers.admin.imports import VolunteerImportAdmin, VolunteerImportMixin
from volunteers.admin.organisations import (
    MEMBERS_ON_PAGE,
    LatestMembersFormSet,
    MembershipAdmin,
    MembershipFormSet,
    MembershipInline,
    OrganisationAdmin,
    OrganisationMembershipFormSet,
    OrganisationMembershipInline,
    OrganisationNewMembersInline,
)
from volunteers.admin.registrations import (
    RegistrationAdmin,
    RegistrationFormSet,
    RegistrationInline,
    RegistrationStatusChangeAdmin,
)
from volunteers.admin.volunteers import VolunteerAdmin, VolunteerChangeList

__all__ = [
    "EXPORT_FORMATS",
    "MEMBERS_ON_PAGE",
    "XLSX_IN_MEMORY",
    "AttendanceInline",
    "CentreRoleAdmin",
    "CentreRoleFormSet",
    "CentreRoleInline",
    "EventAdmin",
    "EventAttendanceInline",
    "LatestMembersFormSet",
    "MembershipAdmin",
    "MembershipFormSet",
    "MembershipInline",
    "OrganisationAdmin",
    "OrganisationMembershipFormSet",
    "OrganisationMembershipInline",
    "OrganisationNewMembersInline",
    "RegistrationAdmin",
    "RegistrationFormSet",
    "RegistrationInline",
    "RegistrationStatusChangeAdmin",
    "ScopedAdmin",
    "VolunteerAdmin",
    "VolunteerChangeList",
    "VolunteerExportMixin",
    "VolunteerImportAdmin",
    "VolunteerImportMixin",
]
