"""The intake's forms: the person (also the base of a person's correction) and the case."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.forms._common import (
    VOLUNTEER_SEARCH,
    NarrowedChoicesMixin,
    VolunteerChoiceField,
    centre_volunteers,
    search_volunteers,
)
from cases.models import IntakeChannel, Person, Problem, ReporterType, RiskFlag, Urgency
from cases.services import PERSON_FIELDS
from centres.forms import AddressFieldsMixin, offer_centres
from centres.models import Centre
from volunteer_centre.forms import PersonIdentityFormMixin, ThaiDateField, ThaiFormMixin
from volunteer_centre.identity import normalise_postcode
from volunteers.models import Volunteer


class PostcodeFormMixin:
    """Both postcodes of a person (registered and current address) checked as postcodes."""

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode"))

    def clean_current_postcode(self):
        return normalise_postcode(self.cleaned_data.get("current_postcode"))


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
        # The person's fields a correction may change too; the two subdistricts are the
        # address selects of AddressFieldsMixin.
        fields = [f for f in PERSON_FIELDS if not f.endswith("subdistrict")]

    def __init__(self, *args, user=None, confirmed_new=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.confirmed_new = confirmed_new
        # The person visible to the user who already has the national ID typed, if any: the
        # intake then shows the look-alike warning with a link instead of an error.
        self.same_id_person = None
        self.add_address_fields()
        self.add_address_fields("current_")

    def visible_national_id_holder(self, value: str | None) -> Person | None:
        """The person the user may see who already holds ``value`` (another than this one);
        None when nobody does. A holder the user may not see is refused beside the field
        with nothing more about them: not the name, not the centre."""
        if not value:
            return None
        existing, visible = Person.objects.national_id_holder(
            value, user=self.user, exclude_pk=self.instance.pk
        )
        if existing is not None and not visible:
            raise ValidationError(
                _("This national ID is already recorded at another centre."),
                code="national_id_elsewhere",
            )
        return existing

    @staticmethod
    def duplicate_national_id(existing: Person, message) -> ValidationError:
        """The error beside the ID when a visible person holds it, with a link to them."""
        return ValidationError(
            format_html(
                '{} <a href="{}">{}</a>',
                message,
                reverse("cases:person-detail", args=[existing.pk]),
                existing.display_name,
            ),
            code="duplicate_national_id",
        )

    def clean_national_id(self):
        value = super().clean_national_id()
        existing = self.visible_national_id_holder(value)
        if existing is not None:
            if self.confirmed_new:
                # "Someone else" cannot share a national ID: the one on record is this person.
                message = _("A person with this national ID is already recorded; choose them:")
                raise self.duplicate_national_id(existing, message)
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


class IntakeForm(NarrowedChoicesMixin, ThaiFormMixin, forms.Form):
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
        offer_centres(self, "centre", centres, hide_single=True)
        self.fields["volunteers"].queryset = centre_volunteers(centres)
        self.narrow(
            "volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH, find=search_volunteers
        )
