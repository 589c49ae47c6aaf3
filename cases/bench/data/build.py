"""The data set written: every part of the builder, in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from cases import tallies
from cases.bench.data.builder import BuildReport, _Base
from cases.bench.data.cases import _Cases
from cases.bench.data.centres import _Centres
from cases.bench.data.services import _Services
from cases.bench.data.volunteers import _Volunteers


class _Builder(_Centres, _Volunteers, _Cases, _Services, _Base):
    """The whole builder: its centres, volunteers, cases and what the services make."""


def bench_data_build(
    *,
    volunteers: int,
    cases: int,
    seed: int = 2562,
    districts: Iterable[str] | None = None,
    fast: bool = True,
    progress: Callable[[str], None] = print,
) -> BuildReport:
    """Write (or add to) the data set in the current database, in one transaction.

    ``volunteers`` and ``cases`` are spread over the district centres of ``districts`` (every
    district by default), bigger districts getting more; visits (1.4 a case), assistance (one
    case in two), referrals (three in ten) and the rest follow from the cases. ``fast`` drops
    the big tables' secondary indexes for the load and builds them again after it (worth it
    from about a hundred thousand rows). Deterministic for a given seed and database."""
    builder = _Builder(
        seed=seed,
        districts=list(districts) if districts is not None else None,
        fast=fast,
        progress=progress,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The load's own session: index builds get the memory they need, and nothing waits
        # for the disk at each COPY. Neither setting outlives the transaction.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        # Foreign keys are checked at the end of each COPY rather than all at the commit,
        # whose queue of deferred checks would hold millions of entries in memory.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The summary triggers (cases.tallies) would redo, row by row, what one pass over the
        # loaded rows does after the COPY: off for the load, then rebuilt and back on.
        cursor.execute("SET LOCAL vc.tallies = 'off'")
        places = builder.places()
        builder.volunteers(places, volunteers)
        builder.cases(places, cases)
        builder.transfers(places)
        builder.imports()
        builder.say("summary tallies")
        tallies.rebuild(cursor)
        cursor.execute("SET LOCAL vc.tallies = 'on'")
        if not fast:
            cursor.execute("ANALYZE")
        # Django's foreign keys are INITIALLY DEFERRED: back to that for the rest of the
        # transaction (a test's, under --small).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    builder.report.seconds = time.perf_counter() - builder.started
    builder.say("data set written")
    return builder.report
