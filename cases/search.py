"""Searching cases and persons at national size: exact keys first, names by trigram.

A term shaped like a case number or a national ID is a key: it is looked up by equality (or a
prefix) on a unique index, never matched with LIKE against every column. A case number is
``CODE-YEAR-SEQUENCE`` (cases.services.case_number), so a whole number is found by the number
column alone; a national ID is 13 digits, which no case number and no name holds. Everything
else is a name, or part of one, matched through the trigram indexes.

Names are tested on the persons table and the matching persons reach the cases through
``person_id = ANY(ARRAY(...))``: PostgreSQL then ORs that with the case-number test inside one
bitmap scan of two indexes, where a join ORed with a case column reads every case.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet
from django.utils.functional import cached_property

from volunteer_centre.admin import LargeTablePaginator, estimated_rows
from volunteer_centre.thai import to_arabic_digits

_CASE_NUMBER = re.compile(r"^[A-Z0-9]+-\d{4}-\d{4,}$")
_ID_SEPARATORS = re.compile(r"[\s\-–.]")


class InArray(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, before the scan, and the
    column's index answers the test (a plain ``IN (subquery)`` ORed with another condition
    becomes a filter run against every row)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: QuerySet):
        super().__init__(F(column), ArraySubquery(queryset))


def case_number_in(term: str) -> str | None:
    """The case number ``term`` is (any case, Thai digits accepted), else None."""
    number = to_arabic_digits(term.strip()).upper()
    return number if _CASE_NUMBER.match(number) else None


def national_id_in(term: str) -> str | None:
    """The 13 digits of a national ID typed with dashes, spaces or Thai digits, else None."""
    digits = _ID_SEPARATORS.sub("", to_arabic_digits(term))
    return digits if len(digits) == 13 and digits.isdigit() else None


def case_number_q(number: str, prefix: str = "") -> Q:
    """The case numbered ``number`` (an upper-case whole number, see ``case_number_in``), and
    those whose number begins with it (a sequence past 9999): the unique index's prefix scan."""
    return Q(**{f"{prefix}number__startswith": number})


def cases_matching(cases: QuerySet, number_part: str | None, persons_q: Q) -> QuerySet:
    """``cases`` whose number contains ``number_part`` (None: not tested) or whose person
    matches ``persons_q`` (a Q on Person).

    When no case number anywhere contains the text (a name: one look-up in the numbers'
    trigram index), the test is on the persons alone, as a join PostgreSQL plans either way:
    walking the list's order and checking each case's person (a common name: a page is found
    among its first few thousand cases) or finding the few persons first (a rare name). The
    OR with the number is kept for text that is part of some number."""
    from cases.models import Case, Person

    persons = Person.objects.filter(persons_q)
    if number_part and Case.objects.filter(number__icontains=number_part).exists():
        return cases.filter(
            Q(number__icontains=number_part) | Q(InArray("person_id", persons.values("pk")))
        )
    return cases.filter(Exists(persons.filter(pk=OuterRef("person_id"))))


def person_name_q(words: list[str], prefix: str = "") -> Q:
    """Every word found in the first or last name. icontains matches the trigram indexes."""
    q = Q()
    for word in words:
        q &= Q(**{f"{prefix}first_name__icontains": word}) | Q(
            **{f"{prefix}last_name__icontains": word}
        )
    return q


def planner_rows(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows ``queryset`` returns: its plan, nothing run."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class CasesPaginator(LargeTablePaginator):
    """The case lists' pages (staff and admin): counts the page can do without left to
    PostgreSQL's estimate, and a page past the first found by its keys first.

    The count: a list of more than ``LIST_ESTIMATED_COUNT_FROM`` rows by the planner's estimate
    (a ministry's unfiltered million cases, a common name across the country, one status
    nationwide) shows the estimate, and ``estimated`` is set so that the page says "about";
    counting it would read every matching row, the list's slowest part. A smaller list, such
    as any centre's, is counted exactly.

    The page: ``OFFSET 49900 LIMIT 100`` fetches and throws away the 49,900 rows before the
    page; asked for their ids alone, PostgreSQL skips them inside the index of the list's order
    (an index-only scan), and only the page's own rows are read. Same rows, same order."""

    estimated = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        if not rows.query.where and not rows.query.distinct:
            estimate = estimated_rows(rows.model)
            if estimate >= settings.ADMIN_ESTIMATED_COUNT_FROM:
                self.estimated = True
                return estimate
        else:
            estimate = planner_rows(rows)
            if estimate > settings.LIST_ESTIMATED_COUNT_FROM:
                self.estimated = True
                return estimate
        return rows.count()

    def page(self, number):
        page = super().page(number)
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.query.low_mark:
            page.object_list = self.object_list.filter(pk__in=rows.values("pk"))
        return page
