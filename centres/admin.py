from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from centres.access import scope_for
from centres.models import Centre, District, Province, Region, StaffAssignment, Subdistrict
from volunteer_centre.admin import ThaiDatesAdminMixin


class ScopedAdminMixin:
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


class MinistryOnlyAdminMixin:
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
    # Set by the system on sign-up and log-in. Read-only, they are shown through the Thai date
    # format (BE); the stock split date/time inputs took 01/12/2568 as the year 2568.
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Group)
class MinistryGroupAdmin(MinistryOnlyAdminMixin, GroupAdmin):
    pass


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


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(MinistryOnlyAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "centre", "province", "region", "starts_on", "ends_on"]
    list_filter = ["role", "region"]
    list_select_related = ["user", "centre", "province", "region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "centre__name_th"]
    autocomplete_fields = ["user", "centre", "province"]
