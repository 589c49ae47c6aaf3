import contextlib

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Programme, Registration, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    """Filters the list of a user's volunteers; always applied to a visible_to queryset."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    programme = django_filters.ChoiceFilter(
        label=_("programme"), choices=Programme.choices, method="by_registration"
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=Registration.Status.choices, method="by_registration"
    )

    class Meta:
        model = Volunteer
        fields = []

    def search(self, queryset, name, value):
        """Thai name substring, national ID in any typed form, passport or registration number."""
        value = value.strip()[:100]
        if not value:
            return queryset
        q = (
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(name_latin__icontains=value)
            | Q(passport_number__iexact=value)
            | Q(registrations__number=to_arabic_digits(value))
        )
        with contextlib.suppress(ValidationError):  # not an ID: the other keys still apply
            q |= Q(national_id=normalise_national_id(value))
        return queryset.filter(pk__in=Volunteer.objects.filter(q).values("pk"))

    def by_registration(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(Registration.objects.filter(volunteer=OuterRef("pk"), **{name: value}))
        )
