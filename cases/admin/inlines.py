"""The rows of a case's page: its history, volunteers, visits, assistance, consents and
referrals, each new row written by its service."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.writing import ServiceForm, ServiceInline
from cases.models import Assistance, CaseAssignment, CaseEvent, Consent, Referral, Visit
from volunteer_centre.thai import to_arabic_digits


class CaseEventInline(ServiceInline):
    """The history: appended by the services, never added or edited here."""

    model = CaseEvent
    fields = ["at", "kind", "from_status", "to_status", "actor", "note", "changes"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("values replaced"))
    def changes(self, obj):
        return format_html_join("", "<div>{}</div>", ((line,) for line in obj.change_lines()))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentAdminForm(ServiceForm):
    service_fields = {"volunteers": "volunteer"}

    class Meta:
        model = CaseAssignment
        fields = ["volunteer"]

    def run(self, actor, case):
        return services.case_assign_volunteers(
            actor=actor, case=case, volunteers=[self.cleaned_data["volunteer"]]
        )


class CaseAssignmentInline(ServiceInline):
    model = CaseAssignment
    form = AssignmentAdminForm
    fields = ["volunteer", "assigned_on", "assigned_by"]
    readonly_fields = ["assigned_on", "assigned_by"]
    autocomplete_fields = ["volunteer"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer", "assigned_by")


class VisitAdminForm(ServiceForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "volunteers", "findings", "next_follow_up_on"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.visit_record(
            actor=actor,
            case=case,
            visited_on=data.get("visited_on"),
            findings=data.get("findings", ""),
            volunteers=list(data.get("volunteers") or []),
            next_follow_up_on=data.get("next_follow_up_on"),
        )


class VisitInline(ServiceInline):
    model = Visit
    form = VisitAdminForm
    fields = ["visited_on", "volunteers", "findings", "next_follow_up_on", "recorded_by"]
    readonly_fields = ["recorded_by"]
    autocomplete_fields = ["volunteers"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recorded_by")
            .prefetch_related("volunteers")
        )


_ITEM_LINE = re.compile(r"^(?P<name>.*?)\s+(?P<quantity>\d+)\s*(?P<unit>\S*)\s*$")


def parse_items(text: str) -> list[services.Item]:
    """One item a line, in the Thai order "name quantity unit": ``จักรยาน 1 คัน``.

    A line without a quantity is one of the thing named.
    """
    items = []
    for line in to_arabic_digits(text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if m := _ITEM_LINE.match(line):
            items.append(services.Item(m["name"], int(m["quantity"]), m["unit"]))
        else:
            items.append(services.Item(line, 1, ""))
    return items


class AssistanceAdminForm(ServiceForm):
    service_fields = {"items": "items_text"}
    items_text = forms.CharField(
        label=_("items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
        help_text=_("One a line: name, quantity, unit (จักรยาน 1 คัน)."),
    )

    class Meta:
        model = Assistance
        fields = ["kind", "programme", "amount", "given_on", "provider_agency", "description"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.assistance_record(
            actor=actor,
            case=case,
            kind=data.get("kind"),
            programme=data.get("programme"),
            amount=data.get("amount"),
            given_on=data.get("given_on"),
            description=data.get("description", ""),
            items=parse_items(data.get("items_text", "")),
            provider_agency=data.get("provider_agency"),
        )


class AssistanceInline(ServiceInline):
    model = Assistance
    form = AssistanceAdminForm
    fields = [
        "kind",
        "programme",
        "amount",
        "given_on",
        "provider_agency",
        "description",
        "items_text",
        "item_list",
    ]
    readonly_fields = ["item_list"]
    autocomplete_fields = ["provider_agency"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("provider_agency", "provider_centre")
            .prefetch_related("items")
        )

    @admin.display(description=_("items given"))
    def item_list(self, obj):
        return ", ".join(str(i) for i in obj.items.all()) if obj.pk else ""


class ConsentAdminForm(ServiceForm):
    class Meta:
        model = Consent
        fields = ["given_by", "guardian_name", "guardian_relation", "purpose", "given_on"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.consent_record(
            actor=actor,
            case=case,
            given_by=data.get("given_by"),
            purpose=data.get("purpose", ""),
            given_on=data.get("given_on"),
            guardian_name=data.get("guardian_name", ""),
            guardian_relation=data.get("guardian_relation", ""),
        )


class ConsentInline(ServiceInline):
    model = Consent
    form = ConsentAdminForm
    fields = [
        "given_by",
        "guardian_name",
        "guardian_relation",
        "purpose",
        "given_on",
        "withdrawn_on",
    ]
    readonly_fields = ["withdrawn_on"]


class ReferralAdminForm(ServiceForm):
    class Meta:
        model = Referral
        fields = ["agency", "referred_on", "reason", "basis", "consent", "basis_note"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.referral_create(
            actor=actor,
            case=case,
            agency=data.get("agency"),
            reason=data.get("reason", ""),
            referred_on=data.get("referred_on"),
            basis=data.get("basis"),
            consent=data.get("consent"),
            basis_note=data.get("basis_note", ""),
        )


class ReferralInline(ServiceInline):
    model = Referral
    form = ReferralAdminForm
    fields = [
        "agency",
        "referred_on",
        "reason",
        "basis",
        "consent",
        "basis_note",
        "status",
        "answered_on",
        "finished_on",
        "outcome",
    ]
    readonly_fields = ["status", "answered_on", "finished_on", "outcome"]
    autocomplete_fields = ["agency"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "consent")

    def get_formset(self, request, obj=None, **kwargs):
        self._case = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "consent":
            # The consents of this case only, and only those still standing.
            case = getattr(self, "_case", None)
            kwargs["queryset"] = (
                Consent.objects.filter(case=case, withdrawn_on__isnull=True)
                if case
                else Consent.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
