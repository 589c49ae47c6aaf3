"""Staff forms for registering a volunteer at the user's centre."""

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.forms import AddressFieldsMixin
from centres.models import Centre
from volunteer_centre.forms import PersonIdentityFormMixin, ThaiFormMixin
from volunteers.models import Registration, Volunteer


class VolunteerForm(PersonIdentityFormMixin, ThaiFormMixin, AddressFieldsMixin, forms.ModelForm):
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
        centres = Centre.objects.writable_by(user).active()
        self.fields["centre"].queryset = centres
        if centres.count() == 1:
            self.fields["centre"].initial = centres.first()
        self.fields["centre"].help_text = _("Only the centres you work for are listed.")
