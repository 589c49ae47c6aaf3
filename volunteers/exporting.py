"""The volunteer export, read in chunks: any number of rows in bounded memory and time.

Volunteers are read by keyset pagination (``pk > last ORDER BY pk LIMIT n``: no server-side
cursor, so each query stands alone, as a transaction-mode connection pool needs), each chunk's
latest matching registrations in one more query (``DISTINCT ON (volunteer_id)``): two queries
a chunk, each answered as one text (_texts), a chunk ahead of the rows being written. A chunk
is made a column at a time (ExportRows.columns).
"""

import queue
import threading
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from cases.search import any_of_ids
from volunteer_centre.spreadsheets import csv_stream
from volunteers.importing import (
    EXPORT_DAY_ZERO,
    EXPORT_REGISTRATION_DATES,
    EXPORT_REGISTRATION_FIELDS,
    EXPORT_VOLUNTEER_DATES,
    EXPORT_VOLUNTEER_FIELDS,
    ExportRows,
)

__all__ = ["csv_stream", "export_chunks"]


def export_chunks(
    volunteers: QuerySet, registrations: QuerySet, rows: ExportRows
) -> Iterator[list[Sequence[str]]]:
    """The rows of ``volunteers``, in the order they entered the registry, a chunk at a time,
    each chunk as its columns (ExportRows.columns).

    Each volunteer comes with the latest of their ``registrations`` (by registration date, then
    the later saved), or with empty registration cells if none is among them. The next chunk
    is read while this one is made (_read_ahead).
    """
    for columns in _read_ahead(_chunks_read, volunteers, registrations):
        yield rows.columns(columns)


def _chunks_read(db, volunteers: QuerySet, registrations: QuerySet) -> Iterator[list[list[str]]]:
    """The columns of EXPORT_VOLUNTEER_FIELDS and EXPORT_REGISTRATION_FIELDS, a chunk of
    volunteers at a time, all as text (_texts)."""
    size = settings.VOLUNTEER_EXPORT_CHUNK_SIZE
    people = (
        volunteers.prefetch_related(None).order_by("pk").values_list("pk", *EXPORT_VOLUNTEER_FIELDS)
    )
    # The chunk's ids as one array literal (any_of_ids): an index condition whatever the
    # planner's statistics (a subquery repeating the list's filters, or an IN over unnest(),
    # can become a nested loop over every pair).
    latest = (
        registrations.order_by("volunteer_id", "-registered_on", "-pk")
        .distinct("volunteer_id")
        .values_list("volunteer_id", *EXPORT_REGISTRATION_FIELDS)
    )
    width, their_width = 1 + len(EXPORT_VOLUNTEER_FIELDS), 1 + len(EXPORT_REGISTRATION_FIELDS)
    # The date columns' positions, after the id.
    dates = frozenset(1 + i for i in EXPORT_VOLUNTEER_DATES)
    their_dates = frozenset(1 + i for i in EXPORT_REGISTRATION_DATES)
    last = 0
    while True:
        texts = _texts(db, people.filter(pk__gt=last)[:size], dates)
        if not texts:
            return
        ids, *columns = [texts[i::width] for i in range(width)]
        in_chunk = any_of_ids('"volunteers_registration"."volunteer_id"', ids)
        theirs = _texts(db, latest.filter(in_chunk), their_dates)
        their_ids, *registered = [theirs[i::their_width] for i in range(their_width)]
        if their_ids != ids:  # some have none: each volunteer's registration by their id
            by_volunteer = dict(zip(their_ids, zip(*registered, strict=True), strict=True))
            none = ("",) * len(registered)
            registered = [*zip(*[by_volunteer.get(pk, none) for pk in ids], strict=True)]
        yield columns + registered
        if len(ids) < size:
            return
        last = int(ids[-1])


# Joins the cells of a chunk read as one text (_texts). A cell that holds it splits into more
# texts than the chunk has cells, which shows.
_JOIN = "\x1f"


def _texts(db, queryset: QuerySet, dates: frozenset[int]) -> list[str]:
    """The cells of ``queryset`` (a values_list), row after row, as text: None as "", the
    ``dates`` (positions) as days since EXPORT_DAY_ZERO, the rest as PostgreSQL writes them;
    rows in the order of the queryset's first column.

    PostgreSQL joins them into one text (``string_agg``): the driver then makes one string a
    chunk instead of converting each of 70,000 values while holding the interpreter, which the
    rows being written wait for. (A day is a subtraction: ``to_char`` cost more than the rest of
    the query.) A chunk with a cell that holds _JOIN is read again the ordinary way.
    """
    compiler = queryset.query.get_compiler(connection=db)
    sql, params = compiler.as_sql()
    width = compiler.col_count  # the queryset's own columns, first in its select
    day_zero = EXPORT_DAY_ZERO.isoformat()
    cells = ", ".join(
        f"coalesce((c{i} - DATE '{day_zero}')::text, '')"
        if i in dates
        else f"coalesce(c{i}::text, '')"
        for i in range(width)
    )
    names = ", ".join(f"c{i}" for i in range(width))
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), string_agg(concat_ws(%s, {cells}), %s ORDER BY c0) "  # noqa: S608
            f"FROM ({sql}) AS chunk({names})",
            [_JOIN, _JOIN, *params],
        )
        count, joined = cursor.fetchone()
        texts = joined.split(_JOIN) if count else []
        if len(texts) == count * width:
            return texts
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: row[0])
    return [
        "" if value is None else str((value - EXPORT_DAY_ZERO).days) if i in dates else str(value)
        for row in rows
        for i, value in enumerate(row[:width])
    ]


_DONE = object()


def _read_ahead(read, *args) -> Iterator:
    """What ``read(db, *args)`` yields, read one item ahead in a thread of its own.

    The thread queries on this thread's connection (shared for the while: its queries are in
    this request's transaction, counted and logged like the others), and the driver lets go of
    the interpreter while PostgreSQL works, so the next chunk is read while Python writes this
    one. Nothing else uses the connection meanwhile: the rows are made without queries. At
    most one item waits; the thread is stopped and joined when the reading stops (the end, an
    error, or a file abandoned half made).
    """
    db = connections[DEFAULT_DB_ALIAS]
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run():
        try:
            for item in read(db, *args):
                if not hand_over((item, None)):
                    return
            hand_over((_DONE, None))
        except BaseException as error:
            hand_over((None, error))

    db.inc_thread_sharing()
    thread = threading.Thread(target=run, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()
        db.dec_thread_sharing()
