"""Centre roles in the admin: the committees of the centres, one chair at a time."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from volunteer_centre.admin_services import service_save
from volunteers import services
from volunteers.admin._common import ServiceAdmin, _ServiceRowsInline, _SiblingRowsFormSet
from volunteers.admin_filters import CentreFilter, ProvinceFilter, RegionFilter
from volunteers.models import CentreRole


def _terms_overlap(first: dict, second: dict, start: str, end: str) -> bool:
    if not (first.get(start) and second.get(start)):
        return False
    return (second[end] is None or first[start] <= second[end]) and (
        first[end] is None or second[start] <= first[end]
    )


class CentreRoleFormSet(_SiblingRowsFormSet):
    field = "starts_on"
    message = _(
        "Another chair term of this centre on this page shares some of these dates: the terms "
        "of two chairs cannot overlap."
    )

    def clash(self, first, second):
        chair = CentreRole.Role.CHAIR
        return (
            first.get("role") == second.get("role") == chair
            and first.get("centre") == second.get("centre")
            and _terms_overlap(first, second, "starts_on", "ends_on")
        )


class CentreRoleInline(_ServiceRowsInline, admin.TabularInline):
    model = CentreRole
    formset = CentreRoleFormSet
    autocomplete_fields = ["centre"]
    fields = ["centre", "role", "starts_on", "ends_on"]


@admin.register(CentreRole)
class CentreRoleAdmin(ServiceAdmin):
    list_display = ["volunteer", "role", "centre", "starts_on", "ends_on"]
    list_filter = ["role", RegionFilter, ProvinceFilter, CentreFilter]
    list_select_related = ["volunteer", "centre"]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["volunteer__first_name", "volunteer__last_name", "centre__name_th"]
    autocomplete_fields = ["volunteer", "centre"]
    centre_path = "centre"

    def save_model(self, request, obj, form, change):
        save = service_save(request)
        save.run(form, lambda: save_centre_role(request.user, obj, form.changed_data))
        save.check()


def save_centre_role(actor, role: CentreRole, changed: list[str]) -> CentreRole:
    """A role of an admin page (new, or with the ``changed`` fields), through its service."""
    if role.pk is None:
        return services.centre_role_assign(actor=actor, centre_role=role)
    if changed == ["ends_on"] and role.ends_on:
        # Only the end of the term was given: the term ends.
        return services.centre_role_end(actor=actor, centre_role=role, ends_on=role.ends_on)
    return services.centre_role_update(actor=actor, centre_role=role)
