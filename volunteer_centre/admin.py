"""Admin pieces shared by every app."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteMixin,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from volunteer_centre.forms import ThaiDateField, ThaiDateInput
from volunteer_centre.thai import uses_buddhist_era

# The bases the type checker reads for the classes below. The mixins go before other classes:
# the admin ones before a ModelAdmin or an inline (of any model), _ValidValuesMixin before
# Django's autocomplete widgets. Paginator is generic in the stubs only.
if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _AdminBase = BaseModelAdmin[Any]
    _ModelPaginator = Paginator[Model]
    _AutocompleteBase = AutocompleteMixin
else:
    _AdminBase = object
    _ModelPaginator = Paginator
    _AutocompleteBase = object

admin.site.site_header = _("Volunteer Centre")
admin.site.site_title = _("Volunteer Centre")
admin.site.index_title = _("Administration")


class AdminThaiDateWidget(ThaiDateInput, AdminDateWidget):
    """The admin's date input, showing and accepting Buddhist Era dates in Thai.

    In Thai the calendar and "Today" shortcuts are left off: Django's DateTimeShortcuts.js
    reads 11/03/2562 as the Gregorian year 2562 (the calendar opens five centuries ahead) and
    "Today" types a Gregorian date into a BE field. A text input with a BE example is what a
    Thai user meets; in English, where the years agree, the shortcuts stay.
    """

    def get_context(self, name: str, value: object, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if uses_buddhist_era():
            # DateTimeShortcuts.js attaches itself to every input of class vDateField.
            classes = widget_attrs.get("class", "").split()
            widget_attrs["class"] = " ".join(c for c in classes if c != "vDateField")
            widget_attrs.setdefault("placeholder", "25/05/2560")
        else:
            widget_attrs.setdefault("placeholder", "25/05/2017")
        return context


class ThaiDatesAdminMixin:
    """Date fields in BE (25/05/2560) with Gregorian and Thai digits accepted too."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": AdminThaiDateWidget},
    }


def estimated_rows(model: type[Model]) -> int:
    """PostgreSQL's estimate of the rows of ``model``'s table (kept by ANALYZE and autovacuum),
    or -1 when the table has never been analysed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row: tuple[int] | None = cursor.fetchone()
    return row[0] if row else -1


class LargeTablePaginator(_ModelPaginator):
    """Counts an unfiltered list of a large table from PostgreSQL's estimate.

    COUNT(*) reads every row: about 100 ms for a ministry administrator's first page of a
    million cases, on every page turn, to print a number nobody reads to the last digit. Once
    a table holds ``ADMIN_ESTIMATED_COUNT_FROM`` rows (by the estimate), an unfiltered list
    takes the estimate; any filter, search or scope (a chair's list) counts exactly.
    """

    # From this offset on, a page is read in two steps (see page()).
    DEFERRED_FROM = 1000

    def page(self, number: int | str) -> Page[Model]:
        """Page ``number``; a deep one reads its ids first, then its rows.

        With an OFFSET, PostgreSQL builds every row it skips: page 500 of the registrations
        joined 50,000 volunteers and centres to show 100 (570 ms). The ids come from the list's
        order alone (an index), then the page's rows with their joins and prefetches.
        """
        page = super().page(number)
        rows = page.object_list
        bottom = (page.number - 1) * self.per_page
        if isinstance(rows, QuerySet) and bottom >= self.DEFERRED_FROM:
            ids = list(rows.values_list("pk", flat=True))
            # The page's rows are a slice of object_list: a QuerySet too.
            objects = cast(QuerySet[Model], self.object_list)
            found = {row.pk: row for row in objects.filter(pk__in=ids)}
            page.object_list = [found[pk] for pk in ids if pk in found]
        return page

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and not rows.query.where and not rows.query.distinct:
            estimate = estimated_rows(rows.model)
            if estimate >= settings.ADMIN_ESTIMATED_COUNT_FROM:
                return estimate
        return super().count


def planner_rows(queryset: QuerySet[Model]) -> int:
    """PostgreSQL's estimate of the rows ``queryset`` returns: its plan, nothing run."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # a test that can match nothing (an empty list of ids)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(LargeTablePaginator):
    """Leaves the count of a long list, filtered or not, to PostgreSQL's estimate.

    A list of more than ``LIST_ESTIMATED_COUNT_FROM`` rows by the planner's estimate (one
    status nationwide, a common name across the country) shows the estimate, and ``estimated``
    is set so that a page can say "about"; counting it would read every matching row, the
    list's slowest part. Such a list is first counted up to one page and a row (unordered,
    LIMIT): one that fits a page is counted exactly whatever the estimate said. A smaller
    list, such as any centre's, is counted exactly. An unfiltered list is counted as
    LargeTablePaginator counts it."""

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
                # An estimate can be far off (a search that finds nothing): up to a page and
                # one more row, in any order, is counted for certain.
                seen = rows.order_by()[: self.per_page + 1].count()
                if seen <= self.per_page:
                    return seen
                self.estimated = True
                return max(estimate, seen)
        return rows.count()


class LargeTableAdminMixin:
    """Lists that stay fast at national size: estimated counts of unfiltered lists, and no
    second count of the whole table beside a filtered one (Django's "x of y" shows the count
    of everything the user may see, a second full scan on every filtered page)."""

    paginator = LargeTablePaginator
    show_full_result_count = False

    def action_checkbox(self, obj: Model) -> SafeString:
        # Django's checkbox, written out: through CheckboxInput and the form renderer's
        # templates it took a quarter of the time of a list of 100 volunteers. Same HTML.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class _ValidValuesMixin(_AutocompleteBase):
    """Django's autocomplete looks up every submitted value to show it again: a tampered
    value that is no key at all ("abc") ended in a server error instead of the form's
    "select a valid choice" beside the field. Only values the key could hold are looked up."""

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote = self.field.remote_field
        to_field = getattr(remote, "field_name", None)
        opts = remote.model._meta
        key = opts.get_field(to_field) if to_field else opts.pk
        valid = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class ValidValuesAutocompleteSelect(_ValidValuesMixin, AutocompleteSelect):
    pass


class ValidValuesAutocompleteSelectMultiple(_ValidValuesMixin, AutocompleteSelectMultiple):
    pass


class AutocompleteAdminMixin(_AdminBase):
    """The admin's autocomplete fields, with widgets that survive a tampered value."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidValuesAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidValuesAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
