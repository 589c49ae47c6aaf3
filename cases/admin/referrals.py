"""Referrals: their status moved along by services.referral_update_status."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.inlines import ReferralInline
from cases.admin.lists import CaseChildListAdminMixin
from cases.admin.writing import (
    RefusalsFormMixin,
    ServiceSaveAdminMixin,
    UndeletableAdminMixin,
    acting_form,
    service_save,
)
from cases.models import Agency, Referral, ReferralStatus
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import AdminThaiDateWidget, ThaiDatesAdminMixin
from volunteer_centre.forms import ThaiDateField


class ReferralStatusAdminForm(RefusalsFormMixin, forms.ModelForm):
    actor = None
    service_fields = {"on": "status_on", "outcome": "new_outcome"}
    new_status = forms.ChoiceField(label=_("change status to"), required=False)
    status_on = ThaiDateField(
        label=_("date"),
        required=False,
        widget=AdminThaiDateWidget,
        help_text=_("Today if empty."),
    )
    new_outcome = forms.CharField(
        label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status_note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Referral
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.REFERRAL_TRANSITIONS[self.instance.status]
        self.fields["new_status"].choices = [("", _("(no change)"))] + [
            (s.value, s.label) for s in ReferralStatus if s in allowed
        ]

    def change_status(self):
        data = self.cleaned_data
        return services.referral_update_status(
            actor=self.actor,
            referral=self.instance,
            to_status=data["new_status"],
            on=data.get("status_on"),
            outcome=data.get("new_outcome", ""),
            note=data.get("status_note", ""),
        )

    def clean(self):
        cleaned = super().clean()
        # The status step is checked by its service, on save (ReferralAdmin.save_model).
        self.add_refusals()
        return cleaned


@admin.register(Referral)
class ReferralAdmin(
    ServiceSaveAdminMixin,
    CaseChildListAdminMixin,
    UndeletableAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    form = ReferralStatusAdminForm
    list_display = ["case", "agency", "referred_on", "status", "answered_on", "finished_on"]
    list_select_related = ["case", "agency"]
    list_filter = ["status", "basis", "agency__type"]
    search_fields = ["case__number", "agency__name_th"]
    readonly_fields = ["case", *ReferralInline.fields, "recorded_by", "recorded_at"]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Change status"), {"fields": ["new_status", "status_on", "new_outcome", "status_note"]}),
    ]

    def has_add_permission(self, request):
        return False  # referrals are sent from their case

    def own_word_q(self, word):
        # The agencies are a short list, read first.
        agencies = list(Agency.objects.filter(name_th__icontains=word).values_list("pk"))
        return Q(agency_id__in=[pk for (pk,) in agencies])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return acting_form(form, request)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("new_status"):
            save = service_save(request)
            save.run(form, form.change_status)
            save.check()
