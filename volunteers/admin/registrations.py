"""Registrations in the admin, and the history of their changes of status (read only)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centres.admin import WrittenByServicesAdminMixin
from volunteer_centre.admin import EstimatedCountPaginator
from volunteer_centre.admin_services import service_save
from volunteers import services
from volunteers.admin._common import (
    ScopedAdmin,
    ServiceAdmin,
    _ServiceRowsInline,
    _SiblingRowsFormSet,
)
from volunteers.admin_filters import CentreFilter, ProvinceFilter, RegionFilter
from volunteers.models import Registration, RegistrationStatusChange, Volunteer


class RegistrationFormSet(_SiblingRowsFormSet):
    field = "number"
    message = _("Another registration on this page has this number in the same programme.")

    def clash(self, first, second):
        return bool(second.get("number")) and (first.get("programme"), first.get("number")) == (
            second.get("programme"),
            second.get("number"),
        )


class RegistrationInline(_ServiceRowsInline, admin.StackedInline):
    model = Registration
    formset = RegistrationFormSet
    autocomplete_fields = ["centre"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("programme", "centre"),
                    ("number", "registered_on"),
                    ("status", "ended_on", "end_reason"),
                    ("suspended_on", "suspension_reason"),
                    "other_ministry",
                ]
            },
        ),
        (
            _("Foreign volunteer"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("visa_type", "visa_expires_on"),
                    "work_permit_number",
                    ("host_organisation", "certifying_agency"),
                    ("service_starts_on", "service_ends_on"),
                ],
            },
        ),
    ]

    def get_min_num(self, request, obj=None, **kwargs):
        # A volunteer enters the registry through a registration: without one, a new volunteer
        # would belong to no centre and be invisible to the chair who added them.
        return 1 if obj is None else 0


@admin.register(Registration)
class RegistrationAdmin(ServiceAdmin):
    list_display = ["volunteer", "programme", "number", "centre", "registered_on", "status"]
    list_filter = ["programme", "status", RegionFilter, ProvinceFilter, CentreFilter]
    list_select_related = ["volunteer", "centre"]
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator  # as the volunteers' list
    search_fields = ["number", "volunteer__first_name", "volunteer__last_name"]
    autocomplete_fields = ["volunteer", "centre"]
    centre_path = "centre"

    def get_search_results(self, request, queryset, search_term):
        # The search of search_fields, through the indexes (RegistrationQuerySet.search).
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        save = service_save(request)
        save.run(form, lambda: save_registration(request.user, obj, form.changed_data))
        save.check()


def save_registration(actor, registration: Registration, changed: list[str]) -> Registration:
    """A registration of an admin page (new, or with the ``changed`` fields), through its
    service."""
    if registration.pk is not None:
        return services.registration_update(actor=actor, registration=registration)
    if registration.volunteer.pk is None:
        # The first registration of a new volunteer: the volunteer is saved with it.
        return services.volunteer_register(
            actor=actor, volunteer=registration.volunteer, registration=registration
        )
    return services.registration_create(actor=actor, registration=registration)


@admin.register(RegistrationStatusChange)
class RegistrationStatusChangeAdmin(WrittenByServicesAdminMixin, ScopedAdmin):
    """Suspensions, reinstatements and endings, recorded by the staff pages' services
    (volunteers.services) on the registrations of the user's centres; read here."""

    list_display = [
        "volunteer_name",
        "registration",
        "registration_centre",
        "from_status",
        "to_status",
        "on",
        "actor",
        "at",
    ]
    list_filter = [
        "to_status",
        "from_status",
        "registration__programme",
        "on",
        RegionFilter,
        ProvinceFilter,
        CentreFilter,
    ]
    list_select_related = ["registration__volunteer", "registration__centre", "actor"]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["reason"]
    search_help_text = _(
        "The volunteer's name, national ID or registration number, or words of the reason."
    )
    ordering = ["-at", "-pk"]
    fields = ["registration", "from_status", "to_status", "on", "reason", "actor", "at"]
    centre_path = "registration__centre"

    @admin.display(description=_("volunteer"), ordering="registration__volunteer__first_name")
    def volunteer_name(self, obj):
        return obj.registration.volunteer

    @admin.display(description=_("centre"), ordering="registration__centre__name_th")
    def registration_centre(self, obj):
        return obj.registration.centre

    def get_search_results(self, request, queryset, search_term):
        # The volunteer's search (an ID in any typed form, names through the trigram indexes,
        # registration numbers of the user's centres), or the reason's words.
        if not search_term.strip():
            return queryset, False
        registrations = Registration.objects.visible_to(request.user)
        volunteers = Volunteer.objects.search(search_term, registrations=registrations)
        matching = Q(registration__volunteer__in=volunteers.values("pk"))
        return queryset.filter(matching | Q(reason__icontains=search_term.strip())), False
