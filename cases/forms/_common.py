"""What the staff forms share: a service's refusal shown on a form, and the fields choosing
among an open-ended set (a centre's volunteers, the partner agencies) that the page's
search narrows."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from volunteer_centre.forms import MAX_CHOICES
from volunteer_centre.thai import to_arabic_digits, whole_number
from volunteers.models import Registration, Volunteer


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def centre_volunteers(centres) -> "forms.QuerySet":
    """Volunteers with an active registration at one of ``centres``, in Thai name order."""
    return Volunteer.objects.filter(
        pk__in=Registration.objects.active().filter(centre__in=centres).values("volunteer")
    ).order_by("first_name", "last_name")


class VolunteerChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_name


@dataclass
class ChoiceSearch:
    """A search box of the page that fills a narrowed list (NarrowedChoicesMixin.narrow)."""

    param: str  # its GET parameter
    label: str
    field_label: str
    query: str
    found: int
    keep: list[tuple[str, str]]  # the page's other GET parameters, kept by a new search


VOLUNTEER_SEARCH = _("Find volunteers of the centre (name, national ID or registration number)")
AGENCY_SEARCH = _("Find the agency (a part of its name)")


def search_volunteers(volunteers, text: str):
    """Name, national ID or registration number (Volunteer.objects.search)."""
    return volunteers.search(text)


def search_agencies(agencies, text: str):
    return agencies.filter(Q(name_th__icontains=text) | Q(name_en__icontains=text))


class NarrowedChoicesMixin:
    """Fields choosing among an open-ended set (a centre's volunteers, the partner agencies):
    while the set has at most MAX_CHOICES members the field lists them all; beyond, it lists
    those already chosen and those found by the page's search (a GET parameter of ``search``,
    the request's GET), and ``searches`` tells the template which search boxes to show. Any
    member of the field's queryset is accepted, whether listed or not."""

    FOUND = 20  # the most a search lists

    def __init__(self, *args, search: QueryDict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_params = search if search is not None else QueryDict()
        self.searches: list[ChoiceSearch] = []

    def narrow(self, name: str, *, param: str, label, find) -> None:
        """Narrow the field ``name`` (its queryset set); ``find(queryset, text)`` searches.
        One query while the set is short; beyond, one for those chosen and one for those
        found, and the list's own query is not made."""
        field = self.fields[name]
        queryset = field.queryset
        # Any MAX_CHOICES + 1 members, then those in order: a short set is the whole of it,
        # and a long one (a ministry's 250,000 volunteers) is never sorted to tell it is long.
        first = queryset.order_by().values("pk")[: MAX_CHOICES + 1]
        few = list(queryset.filter(pk__in=first))
        if len(few) <= MAX_CHOICES:
            shown = few
        else:
            query = to_arabic_digits(str(self.search_params.get(param) or "").strip())[:100]
            chosen = self._chosen_pks(name)
            shown = list(queryset.filter(pk__in=chosen)) if chosen else []
            found = list(find(queryset, query)[: self.FOUND]) if query else []
            shown += [item for item in found if item not in shown]
            keep = [
                (key, value)
                for key in self.search_params
                if key != param
                for value in self.search_params.getlist(key)
            ]
            self.searches.append(ChoiceSearch(param, label, field.label, query, len(found), keep))
            field.help_text = _("Too many to list them all: find them with the search above.")
        choices = [(item.pk, field.label_from_instance(item)) for item in shown]
        if not isinstance(field, forms.ModelMultipleChoiceField) and field.empty_label is not None:
            choices.insert(0, ("", field.empty_label))
        field.widget.choices = choices

    def _chosen_pks(self, name: str) -> list[int]:
        if self.is_bound:
            key = self.add_prefix(name)
            values = (
                self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data.get(key)]
            )
        else:
            value = self.initial.get(name, self.fields[name].initial)
            values = value if isinstance(value, list | tuple) else [value]
        pks = (whole_number(getattr(v, "pk", v), 10) for v in values if v not in (None, ""))
        return [pk for pk in pks if pk is not None]
