"""Staff forms for registering a volunteer at the user's centre and changing a registration's
status."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms import AddressFieldsMixin, CentreCodeField, offer_centres
from centres.models import Centre
from volunteer_centre.forms import PersonIdentityFormMixin, ThaiDateField, ThaiFormMixin
from volunteers.countries import CountryNameField
from volunteers.models import Registration, Volunteer


class VolunteerForm(PersonIdentityFormMixin, ThaiFormMixin, AddressFieldsMixin, forms.ModelForm):
    # Typed, not chosen among some 250 countries.
    nationality = Volunteer._meta.get_field("nationality").formfield(
        choices_form_class=CountryNameField
    )

    class Meta:
        model = Volunteer
        fields = [
            "national_id",
            "passport_number",
            "nationality",
            "title",
            "first_name",
            "last_name",
            "name_latin",
            "birth_date",
            "sex",
            "phone",
            "email",
            "line_id",
            "house_number",
            "moo",
            "village",
            "soi",
            "road",
            "postcode",
            "skills",
            "languages",
        ]
        widgets = {"skills": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_address_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_address()
        return cleaned


class RegistrationForm(ThaiFormMixin, forms.ModelForm):
    prefix = "reg"

    class Meta:
        model = Registration
        fields = [
            "programme",
            "centre",
            "number",
            "registered_on",
            "other_ministry",
            "visa_type",
            "visa_expires_on",
            "work_permit_number",
            "host_organisation",
            "certifying_agency",
            "service_starts_on",
            "service_ends_on",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer_centres(self, "centre", Centre.objects.writable_by(user).active())
        if not isinstance(self.fields["centre"], CentreCodeField):
            self.fields["centre"].help_text = _("Only the centres you work for are listed.")


class RegistrationStatusForm(ThaiFormMixin, forms.Form):
    """The date and reason of a suspension, a reinstatement or an end; the service checks
    them against the registration."""

    on = ThaiDateField(label=_("date"))
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, reason_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = _("reason (optional)")
