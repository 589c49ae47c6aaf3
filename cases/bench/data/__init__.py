"""The national data set of the whole-site benchmark, written with PostgreSQL's COPY.

``bench_database_use`` points the default connection at a database of its own (created and
migrated), so a benchmark never mixes with real or demo records. ``bench_data_build`` then
writes, deterministically for a seed:

- the national centre and one district centre per district (928), each with a chair user
  (a ``chair`` staff assignment, groups synced by ``centres.roles.roles_sync``) and a volunteer
  chair (CentreRole); a ministry administrator user who is not a superuser (``bench-ministry``)
  and the chair of Bang Khen (``bench-chair``), the two users the pages are requested as;
- volunteers (Thai names and national IDs, a few foreign ones with passports) with their
  registrations (one in ten in a second programme; numbers ``NNNN/BE year``), the history of
  each suspension and ending, memberships of organisations, events and attendance;
- one person per case (Thai names from common first and family names, nine in ten with a
  national ID), cases numbered as the intake numbers them (``D1005-2568-0001``) with the
  centres' case counters set to match, their events (opened, status, visit, assistance,
  referral, assigned: the timeline and the desk's activity), home visits, assistance (goods
  with an item line), consents, referrals, assigned volunteers and households; one transfer
  waiting for Bang Khen's answer and one it sent, made through the services.

The big tables are written with ``COPY … FROM STDIN`` from an in-memory buffer per batch, their
secondary indexes dropped first and built again afterwards (``fast``), which is what makes a
national data set fit in minutes. Calling it again adds to the data set (``--small`` grows its
data set that way). ``bench_data_settle`` then runs ``VACUUM (ANALYZE)``.
"""

from cases.bench.data.build import (
    BuildReport,
    bench_data_build,
)
from cases.bench.data.constants import (
    AMOUNTS,
    ASSIGNED_SHARE,
    ASSISTANCE_SHARE,
    BENCH_DISTRICT,
    CASE_STATUS_WEIGHTS,
    CHAIR_USERNAME,
    CONSENT_PURPOSE,
    FIRST_NAMES_FEMALE,
    FIRST_NAMES_MALE,
    HOUSEHOLD_SHARE,
    INTAKE_CHANNELS,
    LAST_NAMES,
    LEGAL_BASIS_NOTE,
    MEMBERSHIP_SHARE,
    MINISTRY_USERNAME,
    ORGANISATIONS,
    PERSON_BORN_FROM,
    PERSON_BORN_TO,
    PERSON_ID_SHARE,
    PROGRAMME_WEIGHTS,
    REFERRAL_REASON,
    REFERRAL_SHARE,
    REFERRAL_STATUSES,
    REGISTRATION_STATUSES,
    REPORTER_TYPES,
    URGENCIES,
    URGENCY_WEIGHTS,
    VISIT_FINDINGS,
    VISITS_PER_CASE,
    N,
    _national_id,
    person_national_id,
    volunteer_national_id,
)
from cases.bench.data.database import (
    bench_data_settle,
    bench_database_drop,
    bench_database_use,
)
from cases.bench.data.loader import (
    COPY_BATCH,
)

__all__ = [
    "AMOUNTS",
    "ASSIGNED_SHARE",
    "ASSISTANCE_SHARE",
    "BENCH_DISTRICT",
    "CASE_STATUS_WEIGHTS",
    "CHAIR_USERNAME",
    "CONSENT_PURPOSE",
    "COPY_BATCH",
    "FIRST_NAMES_FEMALE",
    "FIRST_NAMES_MALE",
    "HOUSEHOLD_SHARE",
    "INTAKE_CHANNELS",
    "LAST_NAMES",
    "LEGAL_BASIS_NOTE",
    "MEMBERSHIP_SHARE",
    "MINISTRY_USERNAME",
    "ORGANISATIONS",
    "PERSON_BORN_FROM",
    "PERSON_BORN_TO",
    "PERSON_ID_SHARE",
    "PROGRAMME_WEIGHTS",
    "REFERRAL_REASON",
    "REFERRAL_SHARE",
    "REFERRAL_STATUSES",
    "REGISTRATION_STATUSES",
    "REPORTER_TYPES",
    "URGENCIES",
    "URGENCY_WEIGHTS",
    "VISITS_PER_CASE",
    "VISIT_FINDINGS",
    "BuildReport",
    "N",
    "_national_id",
    "bench_data_build",
    "bench_data_settle",
    "bench_database_drop",
    "bench_database_use",
    "person_national_id",
    "volunteer_national_id",
]
