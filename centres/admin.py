from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from centres.models import Centre, District, Province, Region, StaffAssignment, Subdistrict
from volunteer_centre.admin import ThaiDatesAdminMixin


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
class CentreAdmin(ThaiDatesAdminMixin, admin.ModelAdmin):
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
class StaffAssignmentAdmin(ThaiDatesAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "centre", "province", "region", "starts_on", "ends_on"]
    list_filter = ["role", "region"]
    list_select_related = ["user", "centre", "province", "region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "centre__name_th"]
    autocomplete_fields = ["user", "centre", "province"]
