"""Cases: opened, corrected and moved along their status path, each through its service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases import services
from cases.admin.filters import (
    CentreListFilter,
    DistrictListFilter,
    FiscalYearListFilter,
    ProblemListFilter,
    ProvinceListFilter,
)
from cases.admin.inlines import (
    AssistanceInline,
    CaseAssignmentInline,
    CaseEventInline,
    ConsentInline,
    ReferralInline,
    VisitInline,
)
from cases.admin.lists import CasesListAdminMixin
from cases.admin.writing import (
    RefusalsFormMixin,
    ServiceSaveAdminMixin,
    UndeletableAdminMixin,
    acting_form,
    save_service_formset,
    service_save,
)
from cases.models import Case, CaseStatus, ClosureReason
from cases.search import (
    case_number_in,
    case_number_q,
    cases_matching,
    national_id_in,
    person_name_q,
)
from centres.admin import ScopedAdminMixin
from centres.forms import QUICK_RENDERER
from volunteer_centre.admin import AdminThaiDateWidget, ThaiDatesAdminMixin
from volunteer_centre.forms import ThaiDateField
from volunteer_centre.identity import normalise_phone


class CaseAddForm(RefusalsFormMixin, forms.ModelForm):
    """Opening a case: validated and saved by services.case_open (CaseAdmin.save_form)."""

    actor = None

    class Meta:
        model = Case
        fields = ["centre", "person", "opened_on", *services.CASE_DETAIL_FIELDS]

    def open(self) -> Case:
        data = {f: self.cleaned_data.get(f) for f in self._meta.fields}
        for text in ("reporter_name", "reporter_phone", "risk_note", "summary"):
            data[text] = data[text] or ""
        return services.case_open(actor=self.actor, **data)

    def _post_clean(self):
        # No model validation: the service checks everything, with the messages our users read.
        self.add_refusals()


class CaseChangeForm(RefusalsFormMixin, forms.ModelForm):
    """The case's descriptive fields, plus a status step that services.case_change_status
    takes (the status itself is never edited)."""

    actor = None
    default_renderer = QUICK_RENDERER
    service_fields = {"closure_reason": "close_reason", "closed_on": "status_on"}
    new_status = forms.ChoiceField(label=_("change status to"), required=False)
    status_note = forms.CharField(
        label=_("note on the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    close_reason = forms.ChoiceField(
        label=_("closure reason"),
        required=False,
        choices=[("", "---------"), *ClosureReason.choices],
    )
    status_on = ThaiDateField(
        label=_("closing date"),
        required=False,
        widget=AdminThaiDateWidget,
        help_text=_("When closing: the day the case closed (today if empty)."),
    )

    class Meta:
        model = Case
        fields = list(services.CASE_DETAIL_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.CASE_TRANSITIONS[self.instance.status]
        self.fields["new_status"].choices = [("", _("(no change)"))] + [
            (s.value, s.label) for s in CaseStatus if s in allowed
        ]

    def clean_reporter_phone(self):
        return normalise_phone(self.cleaned_data.get("reporter_phone", ""))

    def change_status(self, case=None):
        data = self.cleaned_data
        return services.case_change_status(
            actor=self.actor,
            case=case or self.instance,
            to_status=data["new_status"],
            note=data.get("status_note", ""),
            closure_reason=data.get("close_reason", ""),
            on=data.get("status_on"),
        )

    def update(self, case=None):
        """Write the corrected fields through services.case_update (the event keeps the old
        values)."""
        fields = services.CASE_DETAIL_FIELDS
        changes = {f: self.cleaned_data.get(f) for f in self.changed_data if f in fields}
        if not changes:
            return case or self.instance
        return services.case_update(actor=self.actor, case=case or self.instance, **changes)

    # The inlines whose new rows are dated work on the case (see _adds_dated_work).
    DATED_INLINES = (
        ("visits", "visited_on"),
        ("assistance", "given_on"),
        ("referrals", "referred_on"),
    )

    def _adds_dated_work(self) -> bool:
        """This submit also records a new visit, assistance or referral (an inline row with
        its date filled in)."""
        for prefix, date_field in self.DATED_INLINES:
            try:
                first_new = int(self.data.get(f"{prefix}-INITIAL_FORMS") or 0)
                total = min(int(self.data.get(f"{prefix}-TOTAL_FORMS") or 0), first_new + 1000)
            except ValueError:
                continue  # the formset itself reports a tampered management form
            if any(
                self.data.get(f"{prefix}-{n}-{date_field}", "").strip()
                for n in range(first_new, total)
            ):
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("new_status") == CaseStatus.CLOSED and self._adds_dated_work():
            # Checked here, with the form, because the close runs after the new rows are saved
            # and could then only fail as a server error.
            self.add_error(
                "new_status",
                _("Save the new visits, assistance and referrals first, then close the case."),
            )
            return cleaned
        # The corrections and the status step are checked by their services, on save.
        self.add_refusals()
        return cleaned


@admin.register(Case)
class CaseAdmin(
    ServiceSaveAdminMixin,
    CasesListAdminMixin,
    UndeletableAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "number",
        "person_name",
        "centre",
        "status",
        "urgency",
        "problem_list",
        "opened_on",
        "overdue",
    ]
    list_select_related = ["person", "centre"]
    list_filter = [
        CentreListFilter,
        DistrictListFilter,
        ProvinceListFilter,
        "status",
        "urgency",
        ProblemListFilter,
        FiscalYearListFilter,
    ]
    search_fields = ["number", "person__first_name", "person__last_name"]
    search_help_text = _("Case number, the person's name (any part) or national ID.")
    autocomplete_fields = ["centre", "person"]
    inlines = [
        CaseAssignmentInline,
        VisitInline,
        AssistanceInline,
        ConsentInline,
        ReferralInline,
        CaseEventInline,
    ]
    readonly_fields = [
        "number",
        "centre",
        "person_link",
        "status",
        "opened_on",
        "closed_on",
        "closure_reason",
        "created_by",
        "created_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_next_follow_up()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CaseChangeForm if obj is not None else CaseAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return acting_form(form, request)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CaseAddForm._meta.fields})]
        return [
            (
                None,
                {
                    "fields": [
                        "number",
                        "centre",
                        "person_link",
                        "opened_on",
                        "status",
                        "closed_on",
                        "closure_reason",
                    ]
                },
            ),
            (
                _("Change status"),
                {"fields": ["new_status", "close_reason", "status_on", "status_note"]},
            ),
            (
                _("Intake"),
                {
                    "fields": [
                        "intake_channel",
                        "reporter_type",
                        "reporter_anonymous",
                        "reporter_name",
                        "reporter_phone",
                    ]
                },
            ),
            (
                _("Problem"),
                {"fields": ["problems", "risk_flags", "risk_note", "urgency", "summary"]},
            ),
            (_("Record"), {"fields": ["created_by", "created_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(
        description=pgettext_lazy("person helped", "person"), ordering="person__first_name"
    )
    def person_name(self, obj):
        return obj.person.display_name

    @admin.display(description=pgettext_lazy("person helped", "person"))
    def person_link(self, obj):
        url = reverse("admin:cases_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a>', url, obj.person.display_name)

    @admin.display(description=_("problems"))
    def problem_list(self, obj):
        return ", ".join(obj.problem_labels())

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if digits := national_id_in(term):
            return queryset.filter(person__national_id=digits), False
        if number := case_number_in(term):
            return queryset.filter(case_number_q(number)), False
        words = term.split()
        # Every word in the person's names; a single word may also be part of the number.
        number_part = words[0] if len(words) == 1 else None
        return cases_matching(queryset, number_part, person_name_q(words)), False

    def save_form(self, request, form, change):
        if not change:
            # A new case has no inlines: its one service, and the save stops if it refused.
            save = service_save(request)
            case = save.run(form, form.open)
            save.check()
            return case
        return form.save(commit=False)

    def save_model(self, request, obj, form, change):
        if change:
            # The service re-reads the row, writes what changed and records what it replaced.
            service_save(request).run(form, form.update)

    def save_related(self, request, form, formsets, change):
        save = service_save(request)
        if change:
            form.save_m2m()
        for formset in formsets:
            if getattr(formset, "service_inline", False):
                save_service_formset(formset, save)
            else:
                self.save_formset(request, form, formset, change)
        # The status step comes last, after the visits and help recorded in the same submit
        # (recorded while the case is still open).
        if change and form.cleaned_data.get("new_status"):
            save.run(form, form.change_status)
        save.check()
