"""Searching and paging the case lists at national size (issue 12).

A term shaped like a case number or a national ID is a key: it is looked up by equality (or a
prefix) on a unique index, never matched with LIKE against every column. A case number is
``CODE-YEAR-SEQUENCE`` (cases.services.case_number), so a whole number is found by the number
column alone; a national ID is 13 digits, which no case number and no name holds. Everything
else is a name, or part of a name or a number, matched through the trigram indexes: a name on
the persons (a join PostgreSQL can walk in the list's order), a part of a number on the
numbers' index, ORed with the persons found first (``InArray``), never a join ORed with a case
column, which reads every case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from centres.access import scope_for
from volunteer_centre.admin import EstimatedCountPaginator
from volunteer_centre.identity import compact_id
from volunteer_centre.thai import to_arabic_digits

_CASE_NUMBER = re.compile(r"^[A-Z0-9]+-\d{4}-\d{4,}$")
_NUMBER_CHARACTERS = re.compile(r"^[A-Za-z0-9-]+$")
_NATIONAL_ID = re.compile(r"[0-9]{13}")


class InArray(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, before the scan, and the
    column's index answers the test (a plain ``IN (subquery)`` ORed with another condition
    becomes a filter run against every row)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: QuerySet):
        # Unordered: a model's default ordering would sort (and join) inside the subquery.
        super().__init__(F(column), ArraySubquery(queryset.order_by()))


def any_of_ids(column: str, ids: Iterable[object]) -> RawSQL:
    """``column = ANY('{1,2,…}'::bigint[])`` (``column`` as SQL: the quoted table and column):
    ids already read, as one array literal. PostgreSQL reads it at once (ARRAY[1, 2, …], the
    driver's form of a list, is one expression a value to plan; an IN of thousands of values
    costs Django more than the query), tests it with a hash table, and knows how many there are
    (a subquery's count it guesses)."""
    literal = "{" + ",".join(map(str, ids)) + "}"
    # The column is the caller's code, never input; the ids go as a parameter.
    condition = f"{column} = ANY(%s::bigint[])"
    return RawSQL(condition, [literal], output_field=BooleanField())  # noqa: S611


def case_number_in(term: str) -> str | None:
    """The case number ``term`` is (any case, Thai digits accepted), else None."""
    number = to_arabic_digits(term.strip()).upper()
    return number if _CASE_NUMBER.match(number) else None


def national_id_in(term: str) -> str | None:
    """The 13 digits of a national ID typed with dashes, spaces or Thai digits, else None."""
    digits = compact_id(term)
    return digits if _NATIONAL_ID.fullmatch(digits) else None


def case_number_q(number: str, prefix: str = "") -> Q:
    """The case numbered ``number`` (an upper-case whole number, see ``case_number_in``), and
    those whose number begins with it (a sequence past 9999): the unique index's prefix scan."""
    return Q(**{f"{prefix}number__startswith": number})


def may_be_in_a_number(text: str) -> bool:
    """Whether ``text`` could be part of a case number: numbers are made by
    cases.services.case_number from a centre's code (capitals and digits), the fiscal year and
    the sequence, so text with any other character (a Thai name) is in none of them."""
    return bool(_NUMBER_CHARACTERS.match(text))


def cases_matching(cases: QuerySet, number_part: str | None, persons_q: Q) -> QuerySet:
    """``cases`` whose number contains ``number_part`` (None: not tested) or whose person
    matches ``persons_q`` (a Q on Person).

    Text that can be in no case number (see ``may_be_in_a_number``) is tested on the persons
    alone, as a join PostgreSQL plans either way: walking the list's order and checking each
    case's person (a common name: a page is found among its first few thousand cases) or
    finding the few persons first (a rare name). Other text is tested on the numbers' trigram
    index ORed with the persons found first (``InArray``)."""
    from cases.models import Person

    persons = Person.objects.filter(persons_q)
    if number_part and may_be_in_a_number(number_part):
        return cases.filter(
            Q(number__icontains=number_part) | Q(InArray("person_id", persons.values("pk")))
        )
    return cases.filter(Exists(persons.filter(pk=OuterRef("person_id"))))


def persons_listed_for(user) -> QuerySet:
    """The persons ``user`` sees (the same rows as ``Person.objects.visible_to``), in the form
    a list or a search of many of them wants.

    visible_to tests each person (recorded by a centre in scope, or with a case there) with an
    EXISTS ORed with the centre, which has PostgreSQL check every person in the country for a
    chair's two thousand (1.2 s at national size). Here the persons of the scope's cases are
    gathered first (one look-up in the cases' centre index), and the two tests are one bitmap
    scan. A single person's page keeps visible_to, whose EXISTS then costs one look-up."""
    from cases.models import Case, Person

    scope = scope_for(user)
    if scope.sees_all or scope.is_empty:
        return Person.objects.visible_to(user)
    cases = Case.objects.filter(scope.centre_q("centre__")).values("person_id")
    return Person.objects.filter(Q(scope.centre_q("centre__")) | Q(InArray("id", cases)))


def case_children_listed_for(model, user) -> QuerySet:
    """The rows of a case's child ``model`` (referrals, consents) ``user`` sees, the same as
    ``model.objects.visible_to(user)``, with the scope's cases gathered first: through the join
    PostgreSQL walked the country's referrals in the list's order, checking each one's case
    centre, to fill a chair's page (1.6 s)."""
    from cases.models import Case

    scope = scope_for(user)
    if scope.sees_all or scope.is_empty:
        return model.objects.visible_to(user)
    cases = Case.objects.filter(scope.centre_q("centre__")).values("pk")
    return model.objects.filter(InArray("case_id", cases))


def person_name_order(few_rows: bool):
    """The persons' order (first name, then last name), as expressions for a list of few of
    them (a search, a centre's persons): by the columns themselves PostgreSQL walks the names'
    index, checking every person until it has a page, and the matches sit together in name
    order (a Thai name late in the alphabet: 18 s), where sorting the few found by the trigram
    or the centre's indexes takes milliseconds. Same order: the expressions keep the columns'
    collation."""
    if not few_rows:
        return ["first_name", "last_name"]
    return [Concat("first_name", Value("")).asc(), Concat("last_name", Value("")).asc()]


def person_name_q(words: list[str], prefix: str = "") -> Q:
    """Every word found in the first or last name. icontains matches the trigram indexes."""
    q = Q()
    for word in words:
        q &= Q(**{f"{prefix}first_name__icontains": word}) | Q(
            **{f"{prefix}last_name__icontains": word}
        )
    return q


class CasesPaginator(EstimatedCountPaginator):
    """The case lists' pages (staff and admin): counts the page can do without left to
    PostgreSQL's estimate, and a page past the first found by its keys first.

    The count: EstimatedCountPaginator's (a ministry's unfiltered million cases, a common name
    across the country, one status nationwide show the estimate, "about"; a centre's list is
    counted exactly).

    The page: ``OFFSET 49900 LIMIT 100`` fetches and throws away the 49,900 rows before the
    page; asked for their ids alone, PostgreSQL skips them inside the index of the list's order
    (an index-only scan), and only the page's own rows are read. The first page too is found by
    its ids first: a search of a common name (20,000 persons) is sorted as narrow rows, and the
    joins of the list's columns (centre, district) are made for the page's 50 rows alone, not
    for every match before the sort (half the time of the search). Same rows, same order."""

    def page(self, number):
        page = super().page(number)
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.ordered:
            page.object_list = self.object_list.filter(pk__in=rows.values("pk"))
        return page
