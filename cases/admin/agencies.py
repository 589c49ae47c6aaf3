"""Agencies: reference data, edited by ministry administrators."""

from __future__ import annotations

from django.contrib import admin

from cases.models import Agency
from centres.access import scope_for
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin


@admin.register(Agency)
class AgencyAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    list_display = ["name_th", "type", "internal", "province", "phone", "active"]
    list_filter = ["type", "internal", "active", "province__region"]
    list_select_related = ["province"]
    search_fields = ["name_th", "name_en"]
    autocomplete_fields = ["province", "district"]

    def _writable(self, request, obj=None) -> bool:
        return scope_for(request.user).sees_all

    def get_search_results(self, request, queryset, search_term):
        queryset, dup = super().get_search_results(request, queryset, search_term)
        # A referral picks among the agencies still working with us.
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(active=True)
        return queryset, dup
