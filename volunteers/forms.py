"""Staff forms for registering a volunteer at the user's centre."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms import AddressFieldsMixin
from centres.models import Centre
from volunteer_centre.forms import ThaiFormMixin, validate_not_in_future
from volunteer_centre.identity import normalise_national_id, normalise_phone
from volunteers.models import Registration, Volunteer


class VolunteerForm(ThaiFormMixin, AddressFieldsMixin, forms.ModelForm):
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
        self.fields["national_id"].widget.attrs.update(inputmode="numeric", maxlength=20)
        self.fields["national_id"].max_length = 20
        self.fields["national_id"].validators = []
        self.fields["phone"].widget.attrs.update(inputmode="tel")
        self.add_address_fields()

    def clean_national_id(self):
        value = self.cleaned_data.get("national_id")
        return normalise_national_id(value) if value else None

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        validate_not_in_future(value)
        return value

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

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
        centres = Centre.objects.visible_to(user).active()
        self.fields["centre"].queryset = centres
        if centres.count() == 1:
            self.fields["centre"].initial = centres.first()
        self.fields["centre"].help_text = _("Only the centres you work for are listed.")
