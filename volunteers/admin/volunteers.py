"""Volunteers in the admin: the list, the search and a volunteer's page with their
registrations, roles, memberships and attendance.

The volunteer list stays at a fixed number of queries whatever its length: registrations come in
one prefetch, filter choices in one query each. The list's export and import are mixed in from
volunteers.admin.exports and volunteers.admin.imports.
"""

from functools import partial

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Prefetch
from django.urls import path
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import EstimatedCountPaginator, ThaiDatesAdminMixin
from volunteer_centre.admin_services import ServiceSaveAdminMixin, acting_form, service_save
from volunteer_centre.thai import whole_number
from volunteers import services
from volunteers.admin._common import ServiceRowForm, save_rows
from volunteers.admin.centre_roles import CentreRoleInline, save_centre_role
from volunteers.admin.events import AttendanceInline
from volunteers.admin.exports import VolunteerExportMixin
from volunteers.admin.imports import VolunteerImportMixin
from volunteers.admin.organisations import MembershipInline
from volunteers.admin.registrations import RegistrationInline, save_registration
from volunteers.admin_filters import (
    CentreFilter,
    ProgrammeFilter,
    ProvinceFilter,
    RegionFilter,
    StatusFilter,
)
from volunteers.countries import CountriesTypedAdminMixin
from volunteers.models import CentreRole, Registration, Volunteer, unindexed_name_order


class VolunteerChangeList(ChangeList):
    """The volunteer list, with the training hours of the page's rows in one query."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        missing = [v.pk for v in rows if not hasattr(v, "total_training_hours")]
        if missing:
            hours = dict(
                Volunteer.objects.filter(pk__in=missing)
                .with_training_hours()
                .values_list("pk", "total_training_hours")
            )
            for volunteer in rows:
                if volunteer.pk in hours:
                    volunteer.total_training_hours = hours[volunteer.pk]
        self.result_list = rows

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if self.query.strip():
            return unindexed_name_order(ordering)
        return ordering


@admin.register(Volunteer)
class VolunteerAdmin(
    ServiceSaveAdminMixin,
    VolunteerExportMixin,
    VolunteerImportMixin,
    CountriesTypedAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "name",
        "identity",
        "phone_number",
        "registrations_list",
        "birth_date",
        "training_hours",
    ]
    list_filter = [ProgrammeFilter, StatusFilter, RegionFilter, ProvinceFilter, CentreFilter]
    # Nothing of the address is on the list: no join.
    list_select_related = []
    show_facets = admin.ShowFacets.NEVER
    # A filter that keeps most of the country (every active volunteer) is not counted row by
    # row: above LIST_ESTIMATED_COUNT_FROM the list shows PostgreSQL's estimate.
    paginator = EstimatedCountPaginator
    # get_search_results does the searching; search_fields switches the search box and the
    # autocomplete on.
    search_fields = ["first_name", "last_name", "national_id", "passport_number"]
    search_help_text = _(
        "Thai or Latin name (or part of it), national ID in any form, passport number or "
        "registration number (0012/2562)."
    )
    autocomplete_fields = ["subdistrict"]
    inlines = [RegistrationInline, CentreRoleInline, MembershipInline, AttendanceInline]
    fieldsets = [
        (_("Identity"), {"fields": ["national_id", ("passport_number", "nationality")]}),
        (
            _("Person"),
            {"fields": [("title", "first_name", "last_name"), "name_latin", ("birth_date", "sex")]},
        ),
        (_("Contact"), {"fields": [("phone", "email", "line_id")]}),
        (
            _("Address"),
            {
                "fields": [
                    ("house_number", "moo", "village"),
                    ("soi", "road"),
                    ("subdistrict", "postcode"),
                ]
            },
        ),
        (_("Skills"), {"fields": ["skills", "languages", "training_hours"]}),
    ]
    readonly_fields = ["training_hours"]
    form = ServiceRowForm
    change_list_template = "admin/volunteers/volunteer/change_list.html"

    def get_queryset(self, request):
        visible = Registration.objects.visible_to(request.user).select_related("centre")
        volunteers = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("registrations", queryset=visible, to_attr="visible_registrations")
            )
        )
        match = request.resolver_match
        listing = match is not None and match.url_name == "volunteers_volunteer_changelist"
        if listing and not self._ordered_by_training_hours(request):
            # The list adds the hours of its page's rows alone (VolunteerChangeList): as a
            # column of the query, PostgreSQL summed them for every row an OFFSET skips,
            # 50,000 sums for page 500.
            return volunteers
        return volunteers.with_training_hours()

    def _ordered_by_training_hours(self, request) -> bool:
        list_display = list(self.get_list_display(request))
        for part in request.GET.get(ORDER_VAR, "").split("."):
            index = whole_number(part.lstrip("-"), 3)
            known = index is not None and 0 < index <= len(list_display)
            if known and list_display[index - 1] == "training_hours":
                return True
        return False

    def get_changelist(self, request, **kwargs):
        return VolunteerChangeList

    def get_search_results(self, request, queryset, search_term):
        # The model's search: an ID in any typed form, and names through the trigram indexes
        # (Django's default search would wrap the columns in UPPER() and miss them).
        registrations = Registration.objects.visible_to(request.user)
        return queryset.search(search_term, registrations=registrations), False

    @admin.display(description=_("name"), ordering="first_name")
    def name(self, obj):
        return obj.display_name

    @admin.display(description=_("national ID or passport"))
    def identity(self, obj):
        return obj.identity_display

    @admin.display(description=_("phone"))
    def phone_number(self, obj):
        return obj.phone_display

    @admin.display(description=_("training hours"), ordering="total_training_hours")
    def training_hours(self, obj):
        if obj.pk is None:  # the add page
            return "-"
        return formats.number_format(obj.training_hours(), 1, use_l10n=True)

    @admin.display(description=_("registrations"))
    def registrations_list(self, obj):
        return format_html_join(
            mark_safe("<br>"),
            "{} {} · {} ({})",
            (
                (r.programme_abbreviation, r.number, r.centre.name_th, r.get_status_display())
                for r in obj.visible_registrations
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        return acting_form(super().get_form(request, obj, change=change, **kwargs), request)

    def save_model(self, request, obj, form, change):
        # A new volunteer is saved with their first registration (save_related).
        if change:
            service_save(request).run(
                form, lambda: services.volunteer_update(actor=request.user, volunteer=obj)
            )

    def save_related(self, request, form, formsets, change):
        # The registrations first: a new volunteer is saved with the first of them
        # (save_registration), before the rows that refer to them. Each service's refusal is
        # kept and the save goes on; any refusal undoes the whole save (ServiceSaveAdminMixin).
        save = service_save(request)
        form.save_m2m()
        for formset in formsets:
            if formset.model is Registration:
                self.save_formset(request, form, formset, change)
        volunteer = form.instance
        if volunteer.pk is None and not save.refused:
            # None came (no registrations' inline for this user): the volunteer alone.
            save.run(
                form, lambda: services.volunteer_update(actor=request.user, volunteer=volunteer)
            )
        if volunteer.pk is None:
            # Refused, and the other rows refer to the volunteer: nothing more can be saved.
            save.check()
        for formset in formsets:
            if formset.model is not Registration:
                self.save_formset(request, form, formset, change)
        save.check()

    def save_formset(self, request, form, formset, change):
        save = service_save(request)
        if formset.model is Registration:
            registration = partial(save_registration, request.user)
            save_rows(formset, registration, save, page_form=form)
        elif formset.model is CentreRole:
            save_rows(formset, partial(save_centre_role, request.user), save)
        else:
            super().save_formset(request, form, formset, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="volunteers_volunteer_import"),
            path(
                "import/<int:pk>/",
                wrap(self.import_preview_view),
                name="volunteers_volunteer_import_preview",
            ),
            path(
                "import/<int:pk>/rejected/",
                wrap(self.import_rejects_view),
                name="volunteers_volunteer_import_rejects",
            ),
            path("export/", wrap(self.export_action), name="volunteers_volunteer_export"),
            path(
                "export/<str:file_format>/",
                wrap(self.export_file_view),
                name="volunteers_volunteer_export_file",
            ),
            *super().get_urls(),
        ]
