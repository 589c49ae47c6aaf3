"""Organisations and their members in the admin."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from centres.access import scope_for
from volunteer_centre.thai import whole_number
from volunteers.admin._common import ScopedAdmin, _ScopedInline, _SiblingRowsFormSet
from volunteers.countries import CountriesTypedAdminMixin
from volunteers.models import Membership, Organisation, Registration, Volunteer


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


class MembershipInline(_ScopedInline, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "since", "until"]


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
        organisation_id = whole_number(request.resolver_match.kwargs.get("object_id"), 18)
        if organisation_id is None:
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
        organisation = whole_number(initial.get("organisation"), 18)
        if organisation is None:
            initial.pop("organisation", None)
        else:
            initial["organisation"] = str(organisation)
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
