import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from volunteers.models import Programme, Registration, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    """Filters the list of a user's volunteers; always applied to a visible_to queryset.

    The search is the admin's (Volunteer.objects.search: trigram indexes, IDs and numbers typed
    any way), and like the programme and status filters it looks only at the registrations the
    user may see: a number or a status at another centre finds nobody here.
    """

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

    def _visible_registrations(self):
        return Registration.objects.visible_to(self.request.user)

    def search(self, queryset, name, value):
        """Thai name substring, national ID in any typed form, passport or registration number."""
        return queryset.search(value[:100], registrations=self._visible_registrations())

    def by_registration(self, queryset, name, value):
        # Applied in filter_queryset, together: "active อพม." is one registration that is both.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = {
            name: self.form.cleaned_data[name]
            for name in ("programme", "status")
            if self.form.cleaned_data.get(name)
        }
        if not wanted:
            return queryset
        registrations = self._visible_registrations().filter(volunteer=OuterRef("pk"), **wanted)
        return queryset.filter(Exists(registrations))
