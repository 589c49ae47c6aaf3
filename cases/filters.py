import contextlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseStatus, Problem, Urgency
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Volunteer


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
        label=_("problem"), choices=Problem.choices, field_name="problems", lookup_expr="contains",
        method="by_problem",
    )  # fmt: skip
    volunteer = django_filters.ModelChoiceFilter(
        label=_("assigned volunteer"), field_name="volunteers", queryset=Volunteer.objects.none()
    )
    fiscal_year = django_filters.NumberFilter(label=_("fiscal year (B.E.)"), method="by_year")

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["volunteer"].queryset = Volunteer.objects.visible_to(user)

    def search(self, queryset, name, value):
        """Case number, person's name (Thai substring) or national ID in any typed form."""
        value = to_arabic_digits(value.strip())[:100]
        if not value:
            return queryset
        q = (
            Q(number__icontains=value)
            | Q(person__first_name__icontains=value)
            | Q(person__last_name__icontains=value)
        )
        with contextlib.suppress(ValidationError):  # not an ID: the other keys still apply
            q |= Q(person__national_id=normalise_national_id(value))
        return queryset.filter(q)

    def by_problem(self, queryset, name, value):
        return queryset.filter(problems__contains=[value]) if value else queryset

    def by_year(self, queryset, name, value):
        return queryset.filter(fiscal_year=int(value)) if value else queryset
