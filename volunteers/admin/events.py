"""Events and their attendance in the admin."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from volunteers.admin._common import ScopedAdmin, _ScopedInline
from volunteers.admin_filters import CentreFilter, ProvinceFilter, RegionFilter
from volunteers.models import Attendance, Event


class AttendanceInline(_ScopedInline, admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["event"]
    fields = ["event", "role", "attended", "hours"]


class EventAttendanceInline(_ScopedInline, admin.TabularInline):
    model = Attendance
    autocomplete_fields = ["volunteer"]
    fields = ["volunteer", "role", "attended", "hours"]


@admin.register(Event)
class EventAdmin(ScopedAdmin):
    list_display = [
        "title",
        "kind",
        "organiser",
        "starts_on",
        "ends_on",
        "venue",
        "capacity",
        "attendance_count",
    ]
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
