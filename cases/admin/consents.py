"""Consents: read, and withdrawn by services.consent_withdraw."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import services
from cases.admin.lists import CaseChildListAdminMixin
from cases.admin.writing import UndeletableAdminMixin
from cases.models import Consent
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin


@admin.register(Consent)
class ConsentAdmin(
    CaseChildListAdminMixin,
    UndeletableAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["case", "given_by", "guardian_name", "given_on", "withdrawn_on"]
    list_select_related = ["case"]
    list_filter = ["given_by"]
    search_fields = ["case__number", "guardian_name"]
    actions = ["withdraw"]
    readonly_fields = [
        "case",
        "given_by",
        "guardian_name",
        "guardian_relation",
        "purpose",
        "given_on",
        "withdrawn_on",
        "recorded_by",
        "recorded_at",
    ]

    def has_add_permission(self, request):
        return False  # consent is recorded on its case

    def own_word_q(self, word):
        return Q(guardian_name__icontains=word)

    def has_change_permission(self, request, obj=None):
        # Read-only page; the withdraw action is a change, allowed to writers.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Withdraw the selected consents (today)"), permissions=["change"])
    def withdraw(self, request, queryset):
        # Only consents the user may change (the list also shows those of centres they only
        # read), all in one transaction: every selected consent is withdrawn, or none.
        writable = queryset.filter(
            pk__in=Consent.objects.writable_by(request.user).values("pk"),
            withdrawn_on__isnull=True,
        ).select_related("case")
        done = 0
        with transaction.atomic():
            for consent in writable:
                services.consent_withdraw(actor=request.user, consent=consent)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d consent withdrawn.", "%(count)d consents withdrawn.", done)
            % {"count": done},
        )
