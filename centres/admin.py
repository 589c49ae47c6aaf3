from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from centres.access import scope_for
from centres.models import (
    Account,
    Centre,
    District,
    Province,
    Region,
    StaffAssignment,
    Subdistrict,
)
from centres.roles import (
    GROUP_NAMES,
    Role,
    role_of_group,
    roles_sync,
    staff_assignment_delete,
    staff_assignment_save,
)
from volunteer_centre.admin import AutocompleteAdminMixin, LargeTableAdminMixin, ThaiDatesAdminMixin


class ScopedAdminMixin(LargeTableAdminMixin, AutocompleteAdminMixin):
    """The admin side of the access rule, for every centre-owned model.

    Lists, change pages, autocomplete results and actions start from the model's
    ``visible_to(user)``; foreign-key choices to centre-owned models are narrowed the same way;
    a user whose scope is read-only (a supervisor) can view but not add, change or delete; and an
    object outside the scope answers 404 instead of the admin's redirect to its index.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    # Choices are what a saved form may point at, so they come from what the user may change.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if hasattr(manager, "writable_by") and "queryset" not in kwargs:
            kwargs["queryset"] = manager.writable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if hasattr(manager, "writable_by") and "queryset" not in kwargs:
            kwargs["queryset"] = manager.writable_by(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _writable(self, request, obj=None) -> bool:
        """The user writes here: never a read-only scope, and for one object, only one inside
        the writable part of the scope (a chair who also supervises a region views the
        region's records but changes their own centre's only)."""
        scope = scope_for(request.user)
        if not scope.can_write:
            return False
        if obj is None or obj.pk is None or scope.writes_all_it_reads:
            return True
        cache = request.__dict__.setdefault("_vc_writable", {})
        key = (type(obj), obj.pk)
        if key not in cache:
            writable = type(obj)._default_manager.writable_by(request.user)
            cache[key] = writable.filter(pk=obj.pk).exists()
        return cache[key]

    def has_add_permission(self, request, *args):
        return self._writable(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._writable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._writable(request, obj) and super().has_delete_permission(request, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No such record, or it is outside your centres."))


class WrittenByServicesAdminMixin:
    """A history written by the services alone (a case's transfers, a registration's changes
    of status): listed, searched and shown in the admin, never added, changed or deleted
    there, by anyone, a superuser included. Put it before ScopedAdminMixin."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field shown, those the model marks not editable (a transfer's status) too.
        return self.fields or ()


class MinistryOnlyAdminMixin(AutocompleteAdminMixin):
    """Accounts and assignments decide who sees what: only ministry administrators touch them,
    whatever model permissions a staff user was given."""

    def _ministry(self, request) -> bool:
        return scope_for(request.user).sees_all

    def has_module_permission(self, request):
        return self._ministry(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._ministry(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._ministry(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._ministry(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._ministry(request) and super().has_delete_permission(request, obj)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class MinistryUserAdmin(MinistryOnlyAdminMixin, UserAdmin):
    """Accounts. Roles come from staff assignments (their groups and staff status follow, see
    centres.roles), so staff status is shown, not edited, and the role groups are not offered
    among the groups; a superuser's account and superuser status are a superuser's to change.
    No account is deleted: it is deactivated (the account pages), and what it recorded stays
    attributed to it."""

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    # More than a hundred permissions, one per model and action: typed, not listed (the
    # groups an administrator makes are few and stay a list).
    filter_horizontal = ["groups"]
    autocomplete_fields = ["user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        # Set by the system on sign-up and log-in. Read-only, they are shown through the Thai
        # date format (BE); the stock split date/time inputs took 01/12/2568 as the year 2568.
        fields = ["last_login", "date_joined", "is_staff", "role_groups"]
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # The role groups are shown beside the groups an administrator may choose.
        return [
            (name, {**options, "fields": _after(options["fields"], "groups", "role_groups")})
            for name, options in fieldsets
        ]

    @admin.display(description=_("role groups (from staff assignments)"))
    def role_groups(self, obj):
        names = [str(Role(role_of_group(g)).label) for g in obj.groups.all() if role_of_group(g)]
        return ", ".join(names) or "-"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # A tampered role group's id is then "not one of the available choices", a form error.
            kwargs["queryset"] = Group.objects.exclude(name__in=GROUP_NAMES.values())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The password was typed by the administrator: the new user chooses their own.
            Account.objects.create(user=obj, must_change_password=True, created_by=request.user)

    def save_related(self, request, form, formsets, change):
        # The form set the groups it offers (no role group): put the role groups back, and
        # follow an activation or a deactivation.
        super().save_related(request, form, formsets, change)
        roles_sync(form.instance)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        target = self.get_object(request, id)
        if request.method == "POST" and response.status_code == 302 and target != request.user:
            Account.objects.update_or_create(user=target, defaults={"must_change_password": True})
        return response


def _after(fields, anchor: str, extra: str) -> tuple:
    fields = [f for f in fields if f != extra]
    if anchor not in fields:
        return tuple(fields)
    at = fields.index(anchor) + 1
    return tuple([*fields[:at], extra, *fields[at:]])


@admin.register(Group)
class MinistryGroupAdmin(MinistryOnlyAdminMixin, GroupAdmin):
    """Groups. The four role groups are defined in centres.roles and reset by every
    load_reference_data: shown here, never edited or deleted. Other groups are the ministry's."""

    list_display = ["name", "role"]
    # More than a hundred permissions: typed (PermissionAdmin's search), not listed.
    filter_horizontal = []
    autocomplete_fields = ["permissions"]

    @admin.display(description=_("role"))
    def role(self, obj):
        role = role_of_group(obj)
        return Role(role).label if role else "-"

    def has_change_permission(self, request, obj=None):
        if obj is not None and role_of_group(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and role_of_group(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(name__in=GROUP_NAMES.values()))


@admin.register(Permission)
class PermissionAdmin(MinistryOnlyAdminMixin, admin.ModelAdmin):
    """The permissions a group or an account is given, found by the autocomplete of those
    forms (a model's name or an action, such as "volunteer" or "add"). Defined by the code:
    read-only, and left out of the admin's index."""

    list_display = ["__str__", "codename"]
    search_fields = ["name", "codename", "content_type__app_label", "content_type__model"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type")

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Geography comes from geothai through load_geography; nobody edits it by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["name_th", "name_en", "code"]
    search_fields = ["name_th", "name_en", "code"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["name_th", "name_en", "code", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name_th", "name_en", "code"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["name_th", "name_en", "code", "province"]
    list_filter = ["province__region"]
    list_select_related = ["province"]
    search_fields = ["name_th", "name_en", "code", "province__name_th"]


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnlyAdmin):
    list_display = ["name_th", "name_en", "code", "postcode", "district", "province_name"]
    list_filter = ["district__province__region"]
    list_select_related = ["district__province"]
    search_fields = ["name_th", "name_en", "code", "postcode", "district__name_th"]

    @admin.display(description=_("province"), ordering="district__province__name_th")
    def province_name(self, obj):
        return obj.district.province


@admin.register(Centre)
class CentreAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    list_display = ["name_th", "code", "level", "parent", "district", "opened_on", "status"]
    list_filter = ["level", "status", "province__region"]
    list_select_related = ["parent", "district"]
    search_fields = ["name_th", "name_en", "code"]
    autocomplete_fields = ["parent", "province", "district", "subdistrict"]
    fieldsets = [
        (None, {"fields": ["code", "level", "parent", "name_th", "name_en", "status"]}),
        (_("Location"), {"fields": ["province", "district", "subdistrict", "address", "phone"]}),
        (_("Opening"), {"fields": ["opened_on", "opening_venue"]}),
    ]


class StaffAssignmentForm(forms.ModelForm):
    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and not user.is_active:
            raise forms.ValidationError(
                _("This account is deactivated: it cannot be given a role."), code="inactive"
            )
        return user


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(MinistryOnlyAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    """Who works where. Every save and delete goes through centres.roles, so that the user's
    role groups and staff status follow at once."""

    form = StaffAssignmentForm
    list_display = ["user", "role", "centre", "province", "region", "starts_on", "ends_on"]
    list_filter = ["role", "region"]
    list_select_related = ["user", "centre", "province", "region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "centre__name_th"]
    autocomplete_fields = ["user", "centre", "province"]

    def save_model(self, request, obj, form, change):
        staff_assignment_save(actor=request.user, assignment=obj)

    def delete_model(self, request, obj):
        staff_assignment_delete(actor=request.user, assignment=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user"):
            staff_assignment_delete(actor=request.user, assignment=assignment)
