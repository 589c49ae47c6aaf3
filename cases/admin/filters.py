"""The case list's filters: centres and places typed when their list is long, problems and
fiscal years."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from cases import admin as cases_admin
from cases.models import Case, Problem
from centres.models import Centre, District, Province
from volunteer_centre.thai import to_arabic_digits, whole_number


class TypedWhenLongFilter(admin.SimpleListFilter):
    """A list filter whose choices are links while they are few, and a text box when there
    are more than LISTED_CHOICES_UP_TO (``lookups`` fetches one more to tell).

    The limit is the package's, cases.admin.LISTED_CHOICES_UP_TO, read at each use: setting it
    there (as a test does) changes every filter."""

    template = "admin/cases/typed_filter.html"
    placeholder = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.typed = len(self.lookup_choices) > cases_admin.LISTED_CHOICES_UP_TO
        if self.typed:
            self.lookup_choices = []
        else:
            self.template = "admin/filter.html"

    def has_output(self):
        return self.typed or super().has_output()

    def choices(self, changelist):
        if not self.typed:
            yield from super().choices(changelist)
            return
        yield {
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "placeholder": self.placeholder,
            # The list's other parameters, kept by the box's form as hidden inputs.
            "keep": [
                (k, v) for k, v in changelist.params.items() if k not in (self.parameter_name, "p")
            ],
            "clear": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }


class CentreListFilter(TypedWhenLongFilter):
    title = _("centre")
    parameter_name = "centre"
    placeholder = _("centre code")

    def lookups(self, request, model_admin):
        centres = Centre.objects.visible_to(request.user).only("name_th")
        return [(c.pk, c.name_th) for c in centres[: cases_admin.LISTED_CHOICES_UP_TO + 1]]

    def centre_pk(self) -> int | None:
        """The centre chosen: its id (a link), or its code typed in any case."""
        value = (self.value() or "").strip()
        pk = whole_number(value, 10)
        if pk is not None:
            return pk
        return Centre.objects.filter(code__iexact=value).values_list("pk", flat=True).first()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # A tampered id or an unknown code lists nothing rather than failing.
        pk = self.centre_pk()
        return queryset.filter(centre_id=pk) if pk is not None else queryset.none()


class CentrePlaceListFilter(TypedWhenLongFilter):
    """The districts (or provinces) of the centres in scope that have cases."""

    place_model = District
    placeholder = _("DOPA code")

    def lookups(self, request, model_admin):
        # Exists per centre (a look-up in the cases' centre index), not a join of every case.
        centres = Centre.objects.visible_to(request.user).filter(
            Exists(Case.objects.filter(centre=OuterRef("pk")))
        )
        places = self.place_model.objects.filter(centres__in=centres).distinct()
        return [
            (p.pk, p.name_th)
            for p in places.only("name_th")[: cases_admin.LISTED_CHOICES_UP_TO + 1]
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        code = to_arabic_digits(self.value().strip())
        return queryset.filter(**{f"centre__{self.parameter_name}_id": code})


class DistrictListFilter(CentrePlaceListFilter):
    title = _("district")
    parameter_name = "district"
    place_model = District


class ProvinceListFilter(CentrePlaceListFilter):
    title = _("province")
    parameter_name = "province"
    place_model = Province


class ProblemListFilter(admin.SimpleListFilter):
    title = _("problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return Problem.choices

    def queryset(self, request, queryset):
        # problems @> ARRAY[value] uses the GIN index on problems.
        return queryset.filter(problems__contains=[self.value()]) if self.value() else queryset


def fiscal_years_of(cases: QuerySet) -> list[int]:
    """The fiscal years ``cases`` have, newest first, in one query.

    A DISTINCT reads every case; this walks down the (fiscal_year, centre) index instead, one
    look-up a year (a "loose index scan": each step asks for the largest year below the last).
    """
    base = cases.order_by("-fiscal_year").values("fiscal_year")
    below_last = base.filter(fiscal_year__lt=RawSQL("years.fy", ()))
    try:
        first_sql, first_params = base[:1].query.sql_with_params()
        step_sql, step_params = below_last[:1].query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing
        return []
    sql = f"""
        WITH RECURSIVE years(fy) AS (
            ({first_sql})
            UNION ALL
            SELECT ({step_sql}) FROM years WHERE years.fy IS NOT NULL
        )
        SELECT fy FROM years WHERE fy IS NOT NULL
    """  # noqa: S608 - both parts are the ORM's SQL, the values are bound parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, (*first_params, *step_params))
        return [row[0] for row in cursor.fetchall()]


class FiscalYearListFilter(admin.SimpleListFilter):
    title = _("fiscal year")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        return [(y, str(y)) for y in fiscal_years_of(Case.objects.visible_to(request.user))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        year = whole_number(value, 4)
        return queryset.filter(fiscal_year=year) if year is not None else queryset.none()
