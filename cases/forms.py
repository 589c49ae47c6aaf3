"""Staff forms for cases. Forms only clean input; the views hand it to cases.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import (
    MAX_ITEM_QUANTITY,
    Agency,
    Assistance,
    AssistanceKind,
    AssistanceProgramme,
    CaseStatus,
    ClosureReason,
    ConsentGiver,
    IntakeChannel,
    LawfulBasis,
    Person,
    Problem,
    ReferralStatus,
    ReporterType,
    RiskFlag,
    Urgency,
)
from centres.forms import AddressFieldsMixin
from centres.models import Centre
from volunteer_centre.forms import PersonIdentityFormMixin, ThaiDateField, ThaiFormMixin
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Registration, Volunteer


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def centre_volunteers(centres) -> "forms.QuerySet":
    """Volunteers with an active registration at one of ``centres``, in Thai name order."""
    return Volunteer.objects.filter(
        pk__in=Registration.objects.active().filter(centre__in=centres).values("volunteer")
    ).order_by("first_name", "last_name")


class VolunteerChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_name


def clean_postcode(value: str) -> str:
    """A Thai postcode: five digits (Thai digits accepted), or nothing."""
    value = to_arabic_digits(value or "").strip()
    if value and not (len(value) == 5 and value.isdigit()):
        raise ValidationError(_("A postcode has 5 digits, such as 10220."), code="postcode")
    return value


class PostcodeFormMixin:
    """Both postcodes of a person (registered and current address) checked as postcodes."""

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data.get("postcode"))

    def clean_current_postcode(self):
        return clean_postcode(self.cleaned_data.get("current_postcode"))


class PersonForm(
    PostcodeFormMixin,
    PersonIdentityFormMixin,
    ThaiFormMixin,
    AddressFieldsMixin,
    forms.ModelForm,
):
    prefix = "person"

    class Meta:
        model = Person
        fields = [
            "title",
            "first_name",
            "last_name",
            "national_id",
            "no_id_reason",
            "no_id_note",
            "birth_date",
            "sex",
            "target_groups",
            "has_disability",
            "phone",
            "house_number",
            "moo",
            "village",
            "soi",
            "road",
            "postcode",
            "current_same_as_registered",
            "current_house_number",
            "current_moo",
            "current_village",
            "current_soi",
            "current_road",
            "current_postcode",
        ]

    def __init__(self, *args, user=None, confirmed_new=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.confirmed_new = confirmed_new
        # The person visible to the user who already has the national ID typed, if any: the
        # intake then shows the look-alike warning with a link instead of an error.
        self.same_id_person = None
        self.add_address_fields()
        self.add_address_fields("current_")

    def clean_national_id(self):
        value = super().clean_national_id()
        if not value:
            return value
        existing, visible = Person.objects.national_id_holder(
            value, user=self.user, exclude_pk=self.instance.pk
        )
        if existing is None:
            return value
        if not visible:
            # Nothing more about a person the user may not see: not the name, not the centre.
            raise ValidationError(
                _("This national ID is already recorded at another centre."),
                code="national_id_elsewhere",
            )
        if self.confirmed_new:
            # "Someone else" cannot share a national ID: the one on record is this person.
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("A person with this national ID is already recorded; choose them:"),
                    reverse("cases:person-detail", args=[existing.pk]),
                    existing.display_name,
                ),
                code="duplicate_national_id",
            )
        self.same_id_person = existing
        return value

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.same_id_person is not None:
            # The model's unique check would answer a bare error at the top of the form; the
            # intake shows the warning with the link instead, and saves nothing meanwhile.
            exclusions.add("national_id")
        return exclusions

    def clean(self):
        cleaned = super().clean()
        self.clean_address()
        self.clean_address("current_")
        return cleaned


class IntakeForm(ThaiFormMixin, forms.Form):
    """The case part of the intake; the person comes from PersonForm or an existing record."""

    prefix = "case"

    centre = forms.ModelChoiceField(Centre.objects.none(), label=_("centre"))
    opened_on = ThaiDateField(label=_("opened on"), required=False)
    intake_channel = forms.ChoiceField(label=_("intake channel"), choices=IntakeChannel.choices)
    reporter_type = forms.ChoiceField(label=_("reported by"), choices=ReporterType.choices)
    reporter_anonymous = forms.BooleanField(label=_("anonymous reporter"), required=False)
    reporter_name = forms.CharField(label=_("reporter's name"), max_length=200, required=False)
    reporter_phone = forms.CharField(label=_("reporter's phone"), max_length=30, required=False)
    problems = forms.MultipleChoiceField(
        label=_("problems"), choices=Problem.choices, widget=forms.CheckboxSelectMultiple
    )
    risk_flags = forms.MultipleChoiceField(
        label=_("risk flags"),
        choices=RiskFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risk_note = forms.CharField(label=_("about the risk"), max_length=300, required=False)
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices)
    summary = forms.CharField(
        label=_("what happened"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    volunteers = VolunteerChoiceField(
        Volunteer.objects.none(), label=_("assigned volunteers"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centres = Centre.objects.writable_by(user).active()
        self.fields["centre"].queryset = centres
        if len(centres) == 1:
            self.fields["centre"].initial = centres[0]
            self.fields["centre"].widget = forms.HiddenInput()
        self.fields["volunteers"].queryset = centre_volunteers(centres)


class VisitForm(ThaiFormMixin, forms.Form):
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


def agencies_for(case):
    """Partner agencies of the case's province, and those working nationwide."""
    province = case.centre.province_id
    return Agency.objects.active().filter(Q(province_id=province) | Q(province__isnull=True))


class AssistanceForm(ThaiFormMixin, forms.Form):
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


class ReferralForm(ThaiFormMixin, forms.Form):
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


class AssignForm(forms.Form):
    volunteers = VolunteerChoiceField(Volunteer.objects.none(), label=_("assigned volunteers"))
    note = forms.CharField(label=_("note"), max_length=1000, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = centre_volunteers([case.centre])


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


# ---------------------------------------------------------------------------------------------
# Transfers to another centre
# ---------------------------------------------------------------------------------------------


class TransferForm(forms.Form):
    """The receiving centre is typed by its code (about a thousand centres: no list to scroll);
    the page's search finds the code by the centre's name."""

    to_centre = forms.CharField(
        label=_("receiving centre (code)"),
        max_length=20,
        help_text=_("The centre's code, such as TWT. Find it by the centre's name above."),
    )
    reason = forms.CharField(
        label=_("reason for the transfer"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["to_centre"].widget.attrs
        attrs.update(autocapitalize="characters", spellcheck="false")

    def clean_to_centre(self):
        code = to_arabic_digits(self.cleaned_data["to_centre"]).strip()
        centre = (
            Centre.objects.filter(code=code.upper()).first()
            or Centre.objects.filter(code__iexact=code).order_by("pk").first()
        )
        if centre is None:
            raise ValidationError(
                _("No centre has the code «%(code)s»: find the centre by its name above."),
                code="unknown_centre",
                params={"code": code},
            )
        return centre


class TransferAcceptForm(forms.Form):
    # The transfer page may show the three answers at once (to a ministry administrator):
    # prefixes keep their fields apart.
    prefix = "accept"

    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferDeclineForm(forms.Form):
    prefix = "decline"

    reason = forms.CharField(
        label=_("reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferCancelForm(TransferAcceptForm):
    prefix = "cancel"
