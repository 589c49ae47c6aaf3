"""List filters for the volunteer admins, with choices narrowed to the user's scope.

On the volunteer list the registration filters (programme, status, centre, province, region)
describe one registration together: "active อพม. at Bang Khen" finds volunteers who hold a
registration that is all three, not one active registration somewhere and an อพม. one elsewhere.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, Province, Region
from volunteer_centre.thai import whole_number
from volunteers.models import Programme, Registration, Volunteer


class RegistrationFilter(admin.SimpleListFilter):
    """A filter on a registration's field; ``lookup`` is the lookup on Registration."""

    lookup = ""
    # On other lists (registrations, roles, events) the lookup from the admin's model to its
    # centre: ModelAdmin.centre_path ("centre", "organiser") + the part after "centre__".

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    @classmethod
    def clean(cls, value: str):
        """The value if it is one this filter could offer, else None (no 500 on a bad URL)."""
        return value if value in {str(v) for v, _label in cls.static_choices()} else None

    @classmethod
    def static_choices(cls):
        return []

    def lookups(self, request, model_admin):
        return self.static_choices()

    def queryset(self, request, queryset):
        value = self.clean(self.value()) if self.value() is not None else None
        if value is None:
            return queryset
        if queryset.model is not Volunteer:
            path = model_admin_centre_path(self.model_admin, self.lookup)
            return queryset.filter(**{path: value})
        # One Exists for all the registration filters, added by the first of them present.
        present = [f for f in self.model_admin.list_filter if _present(f, request)]
        if present and present[0] is not type(self):
            return queryset
        registrations = matching_registrations(request, self.model_admin)
        return queryset.filter(Exists(registrations.filter(volunteer=OuterRef("pk"))))


def _present(filter_class, request) -> bool:
    return (
        isinstance(filter_class, type)
        and issubclass(filter_class, RegistrationFilter)
        and bool(request.GET.get(filter_class.parameter_name))
    )


def model_admin_centre_path(model_admin, lookup: str) -> str:
    """Registration's ``centre__province_id`` becomes ``organiser__province_id`` for events."""
    centre_path = getattr(model_admin, "centre_path", "centre")
    if lookup.startswith("centre"):
        return centre_path + lookup.removeprefix("centre")
    return lookup


def matching_registrations(request, model_admin):
    """The user's visible registrations that match every registration filter in the request."""
    registrations = Registration.objects.visible_to(request.user)
    for filter_class in model_admin.list_filter:
        if not (isinstance(filter_class, type) and issubclass(filter_class, RegistrationFilter)):
            continue
        value = request.GET.get(filter_class.parameter_name)
        if value and filter_class.clean(value) is not None:
            registrations = registrations.filter(**{filter_class.lookup: value})
    return registrations


class ProgrammeFilter(RegistrationFilter):
    title = _("programme")
    parameter_name = "programme"
    lookup = "programme"

    @classmethod
    def static_choices(cls):
        return Programme.choices


class StatusFilter(RegistrationFilter):
    title = _("registration status")
    parameter_name = "reg_status"
    lookup = "status"

    @classmethod
    def static_choices(cls):
        return Registration.Status.choices


class _ScopedCentreFilter(RegistrationFilter):
    """Choices from the centres the user may see, narrowed by the region/province chosen."""

    # (lookup on Centre, parameter) of the filters above this one: region -> province -> centre
    narrowed_by: tuple[tuple[str, str], ...] = ()

    @classmethod
    def clean(cls, value: str):
        return value if value.isalnum() else None

    def centres(self, request):
        centres = Centre.objects.visible_to(request.user)
        for lookup, parameter in self.narrowed_by:
            if (value := request.GET.get(parameter)) and value.isalnum():
                centres = centres.filter(**{lookup: value})
        return centres


class RegionFilter(_ScopedCentreFilter):
    title = _("region")
    parameter_name = "region"
    lookup = "centre__province__region_id"

    def lookups(self, request, model_admin):
        regions = Region.objects.filter(provinces__centres__in=self.centres(request)).distinct()
        return [(r.code, r.name_th) for r in regions.order_by("sort_order")]


class ProvinceFilter(_ScopedCentreFilter):
    title = _("province")
    parameter_name = "province"
    lookup = "centre__province_id"
    narrowed_by = (("province__region_id", "region"),)

    def lookups(self, request, model_admin):
        provinces = Province.objects.filter(centres__in=self.centres(request)).distinct()
        return [(p.code, p.name_th) for p in provinces.order_by("name_th")]


# Up to this many centres are listed in the centre filter; a ministry administrator's 928
# district centres made a third of every list page (some 150 KB): they are listed once a region
# or a province narrows them down.
CENTRE_CHOICES_MAX = 100


class CentreFilter(_ScopedCentreFilter):
    title = _("centre")
    parameter_name = "centre"
    lookup = "centre_id"
    narrowed_by = (("province__region_id", "region"), ("province_id", "province"))

    def lookups(self, request, model_admin):
        centres = self.centres(request).order_by("name_th").values_list("pk", "name_th")
        listed = list(centres[: CENTRE_CHOICES_MAX + 1])
        if len(listed) > CENTRE_CHOICES_MAX:
            self.title = _("centre (choose a region or a province first)")
            chosen = self.clean(self.value() or "")
            listed = [c for c in centres.filter(pk=chosen)] if chosen else []
        return [(str(pk), name) for pk, name in listed]

    def has_output(self):
        # Shown with its hint even while it lists no centre.
        return True

    @classmethod
    def clean(cls, value: str):
        number = whole_number(value, 18)
        return str(number) if number is not None else None
