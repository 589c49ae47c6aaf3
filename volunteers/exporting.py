"""The volunteer export, read in chunks: any number of rows in bounded memory and time.

Volunteers are read by keyset pagination (``pk > last ORDER BY pk LIMIT n``: no server-side
cursor, so each query stands alone, as a transaction-mode connection pool needs), each chunk's
latest matching registrations in one more query (``DISTINCT ON (volunteer_id)``): two queries
a chunk, read with a plain cursor, a chunk ahead of the rows being written.
"""

import csv
import queue
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from volunteers.importing import EXPORT_REGISTRATION_FIELDS, EXPORT_VOLUNTEER_FIELDS, ExportRows


def _rows(db, queryset: QuerySet) -> list[tuple]:
    # The queryset's own SQL on a plain cursor: Django's row iterators (one call and a
    # converter check a row) cost more than the driver; the query is counted and logged.
    sql, params = queryset.query.get_compiler(connection=db).as_sql()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def export_chunks(
    volunteers: QuerySet, registrations: QuerySet, rows: ExportRows
) -> Iterator[list[list[str]]]:
    """The rows of ``volunteers``, in the order they entered the registry, a chunk at a time.

    Each volunteer comes with the latest of their ``registrations`` (by registration date, then
    the later saved), or with empty registration cells if none is among them. The next chunk
    is read while this one's rows are made (_read_ahead).
    """
    row = rows.row
    for chunk, theirs in _read_ahead(_chunks_read, volunteers, registrations):
        yield [row(v[1:], theirs.get(v[0])) for v in chunk]


def _chunks_read(db, volunteers: QuerySet, registrations: QuerySet) -> Iterator[tuple]:
    """(volunteers, their latest registrations by volunteer id), a chunk at a time."""
    size = settings.VOLUNTEER_EXPORT_CHUNK_SIZE
    people = (
        volunteers.prefetch_related(None).order_by("pk").values_list("pk", *EXPORT_VOLUNTEER_FIELDS)
    )
    # ``volunteer_id = ANY('{1,2,…}'::bigint[])``: the chunk's ids as one array literal, which
    # PostgreSQL reads at once (ARRAY[1, 2, …], the driver's form of a list, is 2,000
    # expressions to plan; an IN of 2,000 values costs Django more than the query), and it is
    # an index condition whatever the planner's statistics (a subquery repeating the list's
    # filters, or an IN over unnest(), can become a nested loop over every pair).
    latest = (
        registrations.order_by("volunteer_id", "-registered_on", "-pk")
        .distinct("volunteer_id")
        .values_list("volunteer_id", *EXPORT_REGISTRATION_FIELDS)
    )
    last = 0
    while True:
        chunk = _rows(db, people.filter(pk__gt=last)[:size])
        if not chunk:
            return
        ids = "{" + ",".join([str(v[0]) for v in chunk]) + "}"
        in_chunk = RawSQL('"volunteers_registration"."volunteer_id" = ANY(%s::bigint[])',
                          [ids], output_field=BooleanField())  # fmt: skip
        yield chunk, {r[0]: r[1:] for r in _rows(db, latest.filter(in_chunk))}
        if len(chunk) < size:
            return
        last = chunk[-1][0]


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
        except BaseException as error:  # noqa: BLE001 - raised again in the reading thread
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


class _Echo:
    """A file that hands back what is written to it: csv.writer's rows as strings."""

    def write(self, text: str) -> str:
        return text


def csv_stream(headers: list[str], chunks: Iterator[list[list[str]]]) -> Iterator[bytes]:
    """A CSV file as it is made: UTF-8 with the byte-order mark Excel needs to read Thai,
    one piece per chunk of rows."""
    writer = csv.writer(_Echo())
    try:
        yield "\ufeff".encode() + writer.writerow(headers).encode()
        for chunk in chunks:
            yield "".join([writer.writerow(row) for row in chunk]).encode()
    finally:
        # A download abandoned half way: the reading stops now, not when collected.
        if hasattr(chunks, "close"):
            chunks.close()
