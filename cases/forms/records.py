"""What is recorded on a case: visits, assistance, referrals, its status, its volunteers."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.forms._common import (
    AGENCY_SEARCH,
    VOLUNTEER_SEARCH,
    NarrowedChoicesMixin,
    VolunteerChoiceField,
    centre_volunteers,
    search_agencies,
    search_volunteers,
)
from cases.models import (
    MAX_ITEM_QUANTITY,
    Agency,
    Assistance,
    AssistanceKind,
    AssistanceProgramme,
    CaseStatus,
    ClosureReason,
    ConsentGiver,
    LawfulBasis,
    ReferralStatus,
)
from volunteer_centre.forms import ThaiDateField, ThaiFormMixin
from volunteers.models import Volunteer


class VisitForm(NarrowedChoicesMixin, ThaiFormMixin, forms.Form):
    visited_on = ThaiDateField(label=_("visited on"))
    volunteers = VolunteerChoiceField(
        Volunteer.objects.none(), label=_("volunteers"), required=False
    )
    findings = forms.CharField(
        label=_("findings"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_follow_up_on = ThaiDateField(label=_("next follow-up on"), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = centre_volunteers([case.centre])
        self.narrow(
            "volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH, find=search_volunteers
        )


def agencies_for(case):
    """Partner agencies of the case's province, and those working nationwide."""
    province = case.centre.province_id
    return Agency.objects.active().filter(Q(province_id=province) | Q(province__isnull=True))


class AssistanceForm(NarrowedChoicesMixin, ThaiFormMixin, forms.Form):
    ITEM_ROWS = 3

    kind = forms.ChoiceField(label=_("kind"), choices=AssistanceKind.choices)
    # Empty first, so that goods are not recorded under the first grant because nobody changed
    # the select.
    programme = forms.ChoiceField(
        label=pgettext_lazy("assistance", "programme"),
        choices=[("", "---------"), *AssistanceProgramme.choices],
        required=False,
        help_text=Assistance._meta.get_field("programme").help_text,
    )
    amount = forms.DecimalField(
        label=_("amount (baht)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    given_on = ThaiDateField(label=_("given on"))
    description = forms.CharField(
        label=_("description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    provider_agency = forms.ModelChoiceField(
        Agency.objects.none(), label=_("provided by (agency)"), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_agency"].queryset = agencies_for(case)
        self.narrow("provider_agency", param="agency_q", label=AGENCY_SEARCH, find=search_agencies)
        for i in range(1, self.ITEM_ROWS + 1):
            self.fields[f"item_{i}_name"] = forms.CharField(
                label=_("item %(n)d") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"item_{i}_quantity"] = forms.IntegerField(
                label=_("quantity"), min_value=1, max_value=MAX_ITEM_QUANTITY, required=False
            )
            self.fields[f"item_{i}_unit"] = forms.CharField(
                label=_("unit"), max_length=30, required=False
            )

    def items(self) -> list[dict]:
        rows = []
        for i in range(1, self.ITEM_ROWS + 1):
            name = self.cleaned_data.get(f"item_{i}_name", "").strip()
            if name:
                rows.append(
                    {
                        "name": name,
                        "quantity": self.cleaned_data.get(f"item_{i}_quantity") or 1,
                        "unit": self.cleaned_data.get(f"item_{i}_unit", ""),
                    }
                )
        return rows


class ReferralForm(NarrowedChoicesMixin, ThaiFormMixin, forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("refer to"))
    referred_on = ThaiDateField(label=_("referred on"))
    reason = forms.CharField(
        label=_("reason"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.ChoiceField(label=_("lawful basis"), choices=LawfulBasis.choices)
    consent = forms.ModelChoiceField(
        None, label=_("recorded consent"), required=False, empty_label=_("record it now, below")
    )
    consent_given_by = forms.ChoiceField(
        label=_("consent given by"),
        choices=[("", "---------"), *ConsentGiver.choices],
        required=False,
    )
    guardian_name = forms.CharField(label=_("guardian's name"), max_length=200, required=False)
    consent_purpose = forms.CharField(
        label=_("purpose of the consent"), max_length=1000, required=False
    )
    basis_note = forms.CharField(
        label=_("about the lawful basis"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(case)
        self.narrow("agency", param="agency_q", label=AGENCY_SEARCH, find=search_agencies)
        self.fields["consent"].queryset = case.consents.filter(withdrawn_on__isnull=True)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    closure_reason = forms.ChoiceField(
        label=_("closure reason"),
        choices=[("", "---------"), *ClosureReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed]


class AssignForm(NarrowedChoicesMixin, forms.Form):
    volunteers = VolunteerChoiceField(Volunteer.objects.none(), label=_("assigned volunteers"))
    note = forms.CharField(label=_("note"), max_length=1000, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = centre_volunteers([case.centre])
        self.narrow(
            "volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH, find=search_volunteers
        )


class ReferralStatusForm(ThaiFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("new status"))
    on = ThaiDateField(label=_("date"), required=False)
    outcome = forms.CharField(
        label=_("outcome"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed]
