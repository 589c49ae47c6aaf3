"""Transfers: the record of cases handed from one centre to another."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.admin.filters import CentreListFilter
from cases.models import CaseTransfer
from centres.admin import ScopedAdminMixin, WrittenByServicesAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin


class TransferCentreListFilter(CentreListFilter):
    """A centre of the user's scope, at either end of the transfer."""

    title = _("sending or receiving centre")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        pk = self.centre_pk()  # an id (a link) or a code (typed)
        if pk is None:
            return queryset.none()
        return queryset.filter(Q(from_centre_id=pk) | Q(to_centre_id=pk))


@admin.register(CaseTransfer)
class CaseTransferAdmin(
    WrittenByServicesAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin
):
    """Transfers are asked for, answered and cancelled on the staff pages (cases.services);
    here they are read, by the users of either centre."""

    list_display = ["case", "from_centre", "to_centre", "status", "requested_at", "decided_at"]
    list_select_related = ["case", "from_centre", "to_centre"]
    list_filter = ["status", TransferCentreListFilter, "requested_at"]
    search_fields = [
        "case__number",
        "from_centre__code",
        "to_centre__code",
        "reason",
        "decision_note",
    ]
    search_help_text = _("Case number, a centre's code, or words of the reason or the answer.")
    fields = [
        "case",
        "from_centre",
        "to_centre",
        "status",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
