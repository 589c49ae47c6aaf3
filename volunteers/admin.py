"""The volunteer registry in the admin, for ministry staff.

Every list, change page, autocomplete, filter and export starts from ``visible_to(user)``
(ScopedAdminMixin). The volunteer list stays at a fixed number of queries whatever its length:
registrations come in one prefetch, filter choices in one query each. The export reads the
list's volunteers in chunks (volunteers.exporting) and streams them.
"""

import tempfile

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from centres.access import scope_for
from centres.admin import ScopedAdminMixin, WrittenByServicesAdminMixin
from volunteer_centre.admin import EstimatedCountPaginator, ThaiDatesAdminMixin
from volunteer_centre.spreadsheets import TooManyRows, write_xlsx
from volunteers.admin_filters import (
    CentreFilter,
    ProgrammeFilter,
    ProvinceFilter,
    RegionFilter,
    StatusFilter,
    matching_registrations,
)
from volunteers.admin_forms import VolunteerImportForm
from volunteers.countries import CountriesTypedAdminMixin
from volunteers.exporting import csv_stream, export_chunks
from volunteers.importing import ExportRows, ImportFileError, store_upload, volunteers_import
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Organisation,
    Registration,
    RegistrationStatusChange,
    Volunteer,
    VolunteerImport,
    unindexed_name_order,
)

EXPORT_FORMATS = {"csv": CSV, "xlsx": XLSX}
# An XLSX export up to this size is made in memory, a larger one in a temporary file.
XLSX_IN_MEMORY = 8 * 2**20


class ScopedAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    """The bases every admin of this app shares."""


class _ScopedInline(ScopedAdminMixin, ThaiDatesAdminMixin):
    extra = 0

    def get_queryset(self, request):
        # A volunteer may be registered at centres the user reads but does not write (a chair
        # who also supervises a region): a writer's form holds only the rows they may change,
        # so nothing of the others can be deleted or must be re-chosen to save. Read-only users
        # see every row they may read.
        if scope_for(request.user).can_write:
            return super(ScopedAdminMixin, self).get_queryset(request).writable_by(request.user)
        return super().get_queryset(request)


class _SiblingRowsFormSet(BaseInlineFormSet):
    """Refuses two rows of one save that together break a conditional rule of the database.

    Django compares the rows of a formset with each other on unconditional unique constraints
    only; each row alone passes the model's checks against the saved rows, and the pair would
    reach the database and fail there (a 500). ``clash(a, b)`` says whether two rows' cleaned
    data conflict; the later row gets ``message`` beside ``field``.
    """

    field = ""
    message = ""

    def clash(self, first: dict, second: dict) -> bool:
        raise NotImplementedError

    def clean(self):
        super().clean()
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if any(self.clash(earlier, data) for earlier in kept):
                form.add_error(self.field, self.message)
            else:
                kept.append(data)


class RegistrationFormSet(_SiblingRowsFormSet):
    field = "number"
    message = _("Another registration on this page has this number in the same programme.")

    def clash(self, first, second):
        return bool(second.get("number")) and (first.get("programme"), first.get("number")) == (
            second.get("programme"),
            second.get("number"),
        )


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


class MembershipFormSet(_SiblingRowsFormSet):
    """On a volunteer's page: one open membership of each organisation."""

    field = "organisation"
    message = _("Another row on this page is an open membership of this organisation.")
    other = "organisation"

    def clash(self, first, second):
        return (
            first.get("until") is None
            and second.get("until") is None
            and first.get(self.other) is not None
            and first.get(self.other) == second.get(self.other)
        )


class OrganisationMembershipFormSet(MembershipFormSet):
    """On an organisation's page: one open membership of each volunteer."""

    field = other = "volunteer"
    message = _("Another row on this page is an open membership of this volunteer.")


class RegistrationInline(_ScopedInline, admin.StackedInline):
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


class CentreRoleInline(_ScopedInline, admin.TabularInline):
    model = CentreRole
    formset = CentreRoleFormSet
    autocomplete_fields = ["centre"]
    fields = ["centre", "role", "starts_on", "ends_on"]


class MembershipInline(_ScopedInline, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "since", "until"]


class AttendanceInline(_ScopedInline, admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["event"]
    fields = ["event", "role", "attended", "hours"]


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
    CountriesTypedAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "identity", "phone_number", "registrations_list", "birth_date",
                    "training_hours"]  # fmt: skip
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
            index = part.lstrip("-")
            known = index.isdigit() and 0 < int(index) <= len(list_display)
            if known and list_display[int(index) - 1] == "training_hours":
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
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{} {} · {} ({})",
            (
                (r.programme_abbreviation, r.number, r.centre.name_th, r.get_status_display())
                for r in obj.visible_registrations
            ),
        )

    # -- export --------------------------------------------------------------------------------

    def has_export_permission(self, request):
        """Whoever may read the list may take it away as a file (its scope, nothing more)."""
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        """The list's volunteers: its filters and search as the list page applies them,
        without the page's counts and slicing."""
        changelist_class = self.get_changelist(request)

        class ExportChangeList(changelist_class):
            def get_results(self, request):
                pass

        list_display = self.get_list_display(request)
        changelist = ExportChangeList(
            request, self.model, list_display,
            self.get_list_display_links(request, list_display), self.get_list_filter(request),
            self.date_hierarchy, self.get_search_fields(request),
            self.get_list_select_related(request), self.list_per_page, self.list_max_show_all,
            self.list_editable, self, self.get_sortable_by(request), self.search_help_text,
        )  # fmt: skip
        return changelist.queryset

    def export_action(self, request):
        # The export page of django-import-export, which this admin used to have (format and
        # field pickers), is replaced by the list's two links; its URL still leads to the CSV
        # with the same filters.
        url = reverse("admin:volunteers_volunteer_export_file", args=["csv"])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    def export_file_view(self, request, file_format):
        """The list as CSV (streamed as it is read) or XLSX (written to a temporary file, then
        sent): one row per volunteer with their latest registration matching the filters."""
        if not self.has_view_permission(request) or not self.has_export_permission(request):
            raise PermissionDenied
        format_class = EXPORT_FORMATS.get(file_format)
        if format_class is None:
            raise Http404
        try:
            volunteers = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            # What the list page answers to a filter it does not know.
            return redirect(reverse("admin:volunteers_volunteer_changelist") + "?e=1")
        rows = ExportRows()  # headers and labels in the language of this request
        chunks = export_chunks(volunteers, matching_registrations(request, self), rows)
        name = f"volunteers-{timezone.localdate().isoformat()}.{file_format}"
        content_type = format_class().get_content_type()
        if file_format == "csv":
            response = StreamingHttpResponse(
                csv_stream(rows.headers, chunks), content_type=content_type
            )
            response["Content-Disposition"] = content_disposition_header(True, name)
            return response
        # FileResponse closes the file once sent.
        file = tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY)  # noqa: SIM115
        try:
            write_xlsx(file, rows.headers, chunks, title=str(self.opts.verbose_name_plural))
        except TooManyRows as error:
            chunks.close()  # the reading ahead stops before the page uses the connection
            file.close()
            messages.error(
                request,
                _(
                    "This list has more volunteers than an Excel sheet holds (%(count)s): "
                    "export it as CSV, or narrow it with the filters."
                )
                % {"count": formats.number_format(error.args[0], force_grouping=True)},
            )
            query = request.GET.urlencode()
            url = reverse("admin:volunteers_volunteer_changelist")
            return redirect(f"{url}?{query}" if query else url)
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename=name, content_type=content_type)

    # -- import --------------------------------------------------------------------------------

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

    def _import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import volunteers"),
            **extra,
        }

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = VolunteerImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            # Kept for the confirmation (a CSV gzipped); the check reads the upload itself as
            # a stream, a chunk of rows at a time.
            stored = store_upload(upload.file)
            try:
                report = volunteers_import(
                    actor=request.user, content=upload.file, file_name=upload.name, dry_run=True
                )
            except ImportFileError as error:
                form.add_error("file", error.message)
            else:
                run = VolunteerImport.objects.create(
                    created_by=request.user,
                    file_name=upload.name,
                    content=stored,
                    report=report.as_json(),
                )
                return redirect("admin:volunteers_volunteer_import_preview", pk=run.pk)
        context = self._import_context(request, form=form)
        return TemplateResponse(request, "admin/volunteers/volunteer/import.html", context)

    def import_preview_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        runs = VolunteerImport.objects.visible_to(request.user)
        run = get_object_or_404(runs, pk=pk)
        if request.method == "POST":
            with transaction.atomic():
                run = get_object_or_404(runs.select_for_update(), pk=pk)
                if run.status == VolunteerImport.Status.PREVIEWED:
                    self._run_import(request, run, partial="_partial" in request.POST)
            return redirect("admin:volunteers_volunteer_import_preview", pk=run.pk)
        context = self._import_context(request, run=run, report=run.report)
        return TemplateResponse(request, "admin/volunteers/volunteer/import_preview.html", context)

    def _run_import(self, request, run, *, partial):
        try:
            report = volunteers_import(
                actor=request.user,
                content=bytes(run.content),
                file_name=run.file_name,
                partial=partial,
            )
        except ImportFileError as error:
            messages.error(request, error.message)
            return
        run.status = VolunteerImport.Status.DONE
        run.partial = partial
        run.report = report.as_json()
        run.content = b""
        run.rejects = report.rejects_file() if partial and report.rejected else b""
        run.save()
        level = messages.SUCCESS if report.committed and not report.rejected else messages.WARNING
        messages.add_message(request, level, report.summary())

    def import_rejects_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_object_or_404(VolunteerImport.objects.visible_to(request.user), pk=pk)
        if not run.rejects:
            raise Http404
        xlsx = bytes(run.rejects).startswith(b"PK")
        file_format = XLSX() if xlsx else CSV()
        response = HttpResponse(bytes(run.rejects), content_type=file_format.get_content_type())
        stem = run.file_name.rsplit(".", 1)[0] or "volunteers"
        name = f"{stem}-rejected.{'xlsx' if xlsx else 'csv'}"
        # The name comes from the uploaded file: quotes, line breaks or Thai in it must not
        # break the header.
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
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


@admin.register(CentreRole)
class CentreRoleAdmin(ScopedAdmin):
    list_display = ["volunteer", "role", "centre", "starts_on", "ends_on"]
    list_filter = ["role", RegionFilter, ProvinceFilter, CentreFilter]
    list_select_related = ["volunteer", "centre"]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["volunteer__first_name", "volunteer__last_name", "centre__name_th"]
    autocomplete_fields = ["volunteer", "centre"]
    centre_path = "centre"


# The members an organisation's page lists, the latest first; the others are a link away (the
# membership list, filtered by the organisation, searchable and paged). A national network of
# 24,626 members made its page 7,535 queries and 8.6 MB.
MEMBERS_ON_PAGE = 20


class LatestMembersFormSet(OrganisationMembershipFormSet):
    @classmethod
    def get_default_prefix(cls):
        # "memberships" is the new members' form, as it was the whole inline's.
        return "latest_members"


class OrganisationMembershipInline(_ScopedInline, admin.TabularInline):
    """The organisation's latest members: their role and dates changed, or removed, here."""

    model = Membership
    formset = LatestMembersFormSet
    fields = ["volunteer", "role", "since", "until"]
    # Chosen when the member is added (the inline below); shown here without a lookup a row.
    readonly_fields = ["volunteer"]
    verbose_name_plural = _("latest members")

    def get_queryset(self, request):
        members = super().get_queryset(request).order_by("-since", "-pk")
        organisation_id = request.resolver_match.kwargs.get("object_id")
        if organisation_id is None or not str(organisation_id).isdigit():
            return members.none()
        latest = members.filter(organisation_id=organisation_id)[:MEMBERS_ON_PAGE]
        # With the organisation: each row's form reads it (its hidden key and the row's name).
        return members.filter(pk__in=list(latest.values_list("pk", flat=True))).select_related(
            "volunteer", "organisation"
        )

    def has_add_permission(self, request, obj=None):
        return False


class OrganisationNewMembersInline(_ScopedInline, admin.TabularInline):
    """New members of the organisation, each chosen by the volunteer's search."""

    model = Membership
    formset = OrganisationMembershipFormSet
    autocomplete_fields = ["volunteer"]
    fields = ["volunteer", "role", "since", "until"]
    extra = 1
    verbose_name = _("new member")
    verbose_name_plural = _("add members")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Every membership the user may see; an organisation's page links here for all of its
    members."""

    list_display = ["volunteer", "organisation", "role", "since", "until"]
    list_filter = ["organisation"]
    list_select_related = ["volunteer", "organisation"]
    show_facets = admin.ShowFacets.NEVER
    # get_search_results does the searching (the volunteer's search).
    search_fields = ["volunteer__first_name"]
    search_help_text = _("The volunteer's name, national ID or registration number.")
    autocomplete_fields = ["volunteer", "organisation"]
    fields = ["volunteer", "organisation", "role", "since", "until"]
    # membership_organisation_order reads a page of one organisation's members in this order.
    ordering = ["organisation_id", "-since", "-id"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        registrations = Registration.objects.visible_to(request.user)
        volunteers = Volunteer.objects.search(search_term, registrations=registrations)
        return queryset.filter(volunteer__in=volunteers.values("pk")), False

    def get_changeform_initial_data(self, request):
        # "Add a member" on an organisation's page comes here with ?organisation=<id>.
        initial = super().get_changeform_initial_data(request)
        if not str(initial.get("organisation", "")).isdigit():
            initial.pop("organisation", None)
        return initial


@admin.register(Organisation)
class OrganisationAdmin(CountriesTypedAdminMixin, ScopedAdmin):
    list_display = ["name", "kind", "country", "contact_person", "phone", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en", "contact_person"]
    inlines = [OrganisationMembershipInline, OrganisationNewMembersInline]
    readonly_fields = ["members"]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None:  # a new organisation has no members to list yet
            return [i for i in inlines if not isinstance(i, OrganisationMembershipInline)]
        return inlines

    @admin.display(description=_("members"))
    def members(self, obj):
        if obj.pk is None:
            return "-"
        count = getattr(obj, "visible_members", 0)
        url = reverse("admin:volunteers_membership_changelist")
        return format_html(
            '{} · <a href="{}?organisation__id__exact={}">{}</a>',
            formats.number_format(count, force_grouping=True),
            url,
            obj.pk,
            _("all members, searchable"),
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The count beside the link: the memberships this user may see.
            members = Membership.objects.visible_to(request.user).filter(organisation=obj)
            obj.visible_members = members.count()
        return obj

    # Organisations are shared by every centre: a chair chooses them, the ministry keeps them.
    def _writable(self, request, obj=None) -> bool:
        return scope_for(request.user).sees_all

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EventAttendanceInline(_ScopedInline, admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["volunteer"]
    fields = ["volunteer", "role", "attended", "hours"]


@admin.register(Event)
class EventAdmin(ScopedAdmin):
    list_display = ["title", "kind", "organiser", "starts_on", "ends_on", "venue", "capacity",
                    "attendance_count"]  # fmt: skip
    list_filter = ["kind", RegionFilter, ProvinceFilter, CentreFilter]
    list_select_related = ["organiser"]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["title", "venue"]
    autocomplete_fields = ["organiser"]
    inlines = [EventAttendanceInline]
    centre_path = "organiser"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendance_total=Count("attendances"))

    @admin.display(description=_("attendance"), ordering="attendance_total")
    def attendance_count(self, obj):
        return obj.attendance_total


@admin.register(VolunteerImport)
class VolunteerImportAdmin(ScopedAdmin):
    """The record of imports: who uploaded which file and what came of it. Read only."""

    list_display = ["file_name", "created_by", "created_at", "status", "partial", "summary"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    fields = ["file_name", "created_by", "created_at", "status", "partial", "summary"]
    readonly_fields = fields

    @admin.display(description=_("result"))
    def summary(self, obj):
        return obj.report.get("summary", "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_list_display_links(self, request, list_display):
        return ["file_name"]

    def view_on_site(self, obj):
        return reverse("admin:volunteers_volunteer_import_preview", args=[obj.pk])


@admin.register(RegistrationStatusChange)
class RegistrationStatusChangeAdmin(WrittenByServicesAdminMixin, ScopedAdmin):
    """Suspensions, reinstatements and endings, recorded by the staff pages' services
    (volunteers.services) on the registrations of the user's centres; read here."""

    list_display = ["volunteer_name", "registration", "registration_centre", "from_status",
                    "to_status", "on", "actor", "at"]  # fmt: skip
    list_filter = ["to_status", "from_status", "registration__programme", "on", RegionFilter,
                   ProvinceFilter, CentreFilter]  # fmt: skip
    list_select_related = ["registration__volunteer", "registration__centre", "actor"]
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["reason"]
    search_help_text = _("The volunteer's name, national ID or registration number, or words "
                         "of the reason.")  # fmt: skip
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
