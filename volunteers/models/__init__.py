"""The volunteer registry: people, their registrations in programmes, centre roles,
organisations and memberships, events and attendance, and the record of imports.

Every name is re-exported here: import them from ``volunteers.models``. Each module imports
what it refers to itself; the volunteers' module reads registrations and events inside its
methods, since these refer to volunteers.
"""

from volunteers.models._common import CentreOwnedQuerySet
from volunteers.models.centre_roles import (
    CentreRole,
    CentreRoleQuerySet,
    DateRange,
)
from volunteers.models.events import Attendance, AttendanceQuerySet, Event, EventQuerySet
from volunteers.models.imports import VolunteerImport, VolunteerImportQuerySet
from volunteers.models.organisations import (
    Membership,
    MembershipQuerySet,
    Organisation,
    OrganisationQuerySet,
)
from volunteers.models.programmes import PROGRAMME_ABBREVIATIONS, Programme
from volunteers.models.registrations import (
    NAME_MATCHES_READ,
    Registration,
    RegistrationQuerySet,
    RegistrationStatusChange,
    RegistrationStatusChangeQuerySet,
)
from volunteers.models.volunteers import Sex, Volunteer, VolunteerQuerySet, unindexed_name_order
from volunteers.rules import BIRTH_DATE_REQUIRED, chair_overlap_message

__all__ = [
    "BIRTH_DATE_REQUIRED",
    "NAME_MATCHES_READ",
    "PROGRAMME_ABBREVIATIONS",
    "Attendance",
    "AttendanceQuerySet",
    "CentreOwnedQuerySet",
    "CentreRole",
    "CentreRoleQuerySet",
    "DateRange",
    "Event",
    "EventQuerySet",
    "Membership",
    "MembershipQuerySet",
    "Organisation",
    "OrganisationQuerySet",
    "Programme",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationStatusChange",
    "RegistrationStatusChangeQuerySet",
    "Sex",
    "Volunteer",
    "VolunteerImport",
    "VolunteerImportQuerySet",
    "VolunteerQuerySet",
    "chair_overlap_message",
    "unindexed_name_order",
]
