import contextlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseAssignment, CaseStatus, Problem, Urgency
from cases.search import case_number_in, case_number_q, cases_matching
from volunteer_centre.forms import FiscalYearField
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Registration, Volunteer


class FiscalYearFilter(django_filters.Filter):
    field_class = FiscalYearField


class CaseFilter(django_filters.FilterSet):
    """The case list's filters. Always applied to ``Case.objects.visible_to(user)``."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("case number, name or national ID")}),
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=CaseStatus.choices)
    urgency = django_filters.ChoiceFilter(label=_("urgency"), choices=Urgency.choices)
    problem = django_filters.ChoiceFilter(
        label=_("problem"),
        choices=Problem.choices,
        field_name="problems",
        lookup_expr="contains",
        method="by_problem",
    )
    # Typed: the volunteers a user sees are too many for a list.
    volunteer = django_filters.CharFilter(
        label=_("assigned volunteer"),
        method="by_volunteer",
        widget=forms.TextInput(attrs={"placeholder": _("name, national ID or number")}),
    )
    fiscal_year = FiscalYearFilter(label=_("fiscal year (B.E.)"), method="by_year")

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, queryset, name, value):
        """Case number, person's name (Thai substring) or national ID in any typed form.

        A whole case number or a national ID is a key, looked up in its unique index (see
        cases.search); anything else is part of a number or of a name, through the trigram
        indexes of the cases' numbers and of the persons' names."""
        value = to_arabic_digits(value.strip())[:100]
        if not value:
            return queryset
        with contextlib.suppress(ValidationError):  # not an ID: the other keys apply
            return queryset.filter(person__national_id=normalise_national_id(value))
        if number := case_number_in(value):
            return queryset.filter(case_number_q(number))
        return cases_matching(
            queryset, value, Q(first_name__icontains=value) | Q(last_name__icontains=value)
        )

    def by_volunteer(self, queryset, name, value):
        """Cases assigned a volunteer the user sees, found as the volunteer list finds them
        (a Thai name substring, a national ID in any typed form, a registration number)."""
        value = value.strip()[:100]
        if not value:
            return queryset
        registrations = Registration.objects.visible_to(self.user)
        volunteers = Volunteer.objects.visible_to(self.user).search(
            value, registrations=registrations
        )
        assigned = CaseAssignment.objects.filter(volunteer__in=volunteers.values("pk"))
        return queryset.filter(pk__in=assigned.values("case"))

    def by_problem(self, queryset, name, value):
        return queryset.filter(problems__contains=[value]) if value else queryset

    def by_year(self, queryset, name, value):
        return queryset.filter(fiscal_year=value) if value else queryset
