"""The triggers that keep the dashboards' summary tables and the cases' follow-up columns
current, in the same transaction as every write (issue 12).

Why triggers rather than calls from the services: cases, visits, assistance, referrals and
registrations are written by the services, the volunteer import, the admin's saves, the demo
and bench loaders and the tests' factories; a trigger sees every one of them, bulk statements
and raw SQL included, so the tallies cannot drift from the rows whatever path wrote them.

Each trigger works by differences: a row's contribution before the write is taken away and its
contribution after it added (``vc_tally_apply`` upserts the sums, in key order so concurrent
writers lock rows in the same order). Two figures are not a row's own and are recomputed from
the table instead, so they are right even when one statement changes several rows:

- a case's ``follow_up_on`` and ``visited``, from its latest visit (``visit_case_latest``);
- a volunteer's active placements (``cases_activevolunteer``): the person counts once at a
  centre however many programmes they are active in there, and the new placements are
  compared with the stored ones under that row's lock.

``SET LOCAL vc.tallies = 'off'`` makes the triggers do nothing (the bench's bulk COPY), after
which ``SELECT vc_tallies_rebuild()`` recomputes every tally and column from the rows: the
migration's backfill runs the same function.

Migration 0011 runs these strings as they are here. To change a function or a trigger, write
a new migration that carries its own copy of the new SQL (CREATE OR REPLACE), and freeze the
strings 0011 needs into 0011 first: an old migration must keep doing what it did.
"""

from cases.tallies.inserts import (
    _INSERT_STATEMENT_ONE_AT_A_TIME,
    INSERT_STATEMENT_SET,
    INSERT_STATEMENT_SET_UNDO,
    INSERT_STATEMENT_TRIGGER,
    INSERT_STATEMENT_TRIGGER_UNDO,
)
from cases.tallies.triggers import DROP, FUNCTIONS, REBUILD, STORAGE, TRIGGERS, rebuild

__all__ = [
    "DROP",
    "FUNCTIONS",
    "INSERT_STATEMENT_SET",
    "INSERT_STATEMENT_SET_UNDO",
    "INSERT_STATEMENT_TRIGGER",
    "INSERT_STATEMENT_TRIGGER_UNDO",
    "REBUILD",
    "STORAGE",
    "TRIGGERS",
    "_INSERT_STATEMENT_ONE_AT_A_TIME",
    "rebuild",
]
