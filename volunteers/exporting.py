"""The volunteer export, read in chunks: any number of rows in bounded memory and time.

Volunteers are read by keyset pagination (``pk > last ORDER BY pk LIMIT n``: no server-side
cursor, so each query stands alone, as a transaction-mode connection pool needs), each chunk's
latest matching registrations in one more query (``DISTINCT ON (volunteer_id)``): two queries
a chunk, read with a plain cursor.
"""

import csv
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from volunteers.importing import EXPORT_REGISTRATION_FIELDS, EXPORT_VOLUNTEER_FIELDS, ExportRows


def _rows(queryset: QuerySet) -> list[tuple]:
    # The queryset's own SQL on a plain cursor: Django's row iterators (one call and a
    # converter check a row) cost more than the driver; the query is counted and logged.
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def export_chunks(
    volunteers: QuerySet, registrations: QuerySet, rows: ExportRows
) -> Iterator[list[list[str]]]:
    """The rows of ``volunteers``, in the order they entered the registry, a chunk at a time.

    Each volunteer comes with the latest of their ``registrations`` (by registration date, then
    the later saved), or with empty registration cells if none is among them.
    """
    size = settings.VOLUNTEER_EXPORT_CHUNK_SIZE
    people = (
        volunteers.prefetch_related(None).order_by("pk").values_list("pk", *EXPORT_VOLUNTEER_FIELDS)
    )
    # ``volunteer_id = ANY('{1,2,…}'::bigint[])``: the chunk's ids as one array literal, which
    # PostgreSQL reads at once (ARRAY[1, 2, …], the driver's form of a list, is 2,000
    # expressions to plan: 10 ms a chunk; an IN of 2,000 values costs Django more than the
    # query), and it is an index condition whatever the planner's statistics (a subquery
    # repeating the list's filters, or an IN over unnest(), can become a nested loop over
    # every pair).
    latest = (
        registrations.order_by("volunteer_id", "-registered_on", "-pk")
        .distinct("volunteer_id")
        .values_list("volunteer_id", *EXPORT_REGISTRATION_FIELDS)
    )
    last = 0
    while True:
        chunk = _rows(people.filter(pk__gt=last)[:size])
        if not chunk:
            return
        ids = "{" + ",".join([str(v[0]) for v in chunk]) + "}"
        in_chunk = RawSQL('"volunteers_registration"."volunteer_id" = ANY(%s::bigint[])',
                          [ids], output_field=BooleanField())  # fmt: skip
        theirs = {r[0]: r[1:] for r in _rows(latest.filter(in_chunk))}
        row = rows.row
        yield [row(v[1:], theirs.get(v[0])) for v in chunk]
        if len(chunk) < size:
            return
        last = chunk[-1][0]


class _Echo:
    """A file that hands back what is written to it: csv.writer's rows as strings."""

    def write(self, text: str) -> str:
        return text


def csv_stream(headers: list[str], chunks: Iterator[list[list[str]]]) -> Iterator[bytes]:
    """A CSV file as it is made: UTF-8 with the byte-order mark Excel needs to read Thai,
    one piece per chunk of rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode() + writer.writerow(headers).encode()
    for chunk in chunks:
        yield "".join([writer.writerow(row) for row in chunk]).encode()
