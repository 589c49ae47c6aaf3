"""Forms of the account pages: a new account with its staff assignment, an account's name and
email, its link to a volunteer record, and the search."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.forms import find_centre_among
from centres.models import Centre, Province, Region, StaffAssignment
from centres.services import ACCOUNT_ROLES
from volunteer_centre.forms import ThaiDateField, ThaiFormMixin
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Registration, Volunteer
from volunteers.validation import normalise_registration_number

Role = StaffAssignment.Role


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _try(normalise, value):
    try:
        return normalise(value)
    except ValidationError:
        return None


def find_centre(user, text: str) -> Centre:
    """The centre ``text`` names among those ``user`` sees: its code (BKN), or a part of its
    name that only one centre has. Raises ValidationError naming a few candidates."""
    return find_centre_among(Centre.objects.visible_to(user), text)


def find_volunteer(user, text: str) -> Volunteer:
    """The volunteer ``text`` identifies among those ``user`` sees: a national ID in any typed
    form, or a registration number (12/2562) at a centre they see."""
    text = " ".join(to_arabic_digits(text or "").split())[:40]
    volunteers = Volunteer.objects.visible_to(user)
    if national_id := _try(normalise_national_id, text):
        found = list(volunteers.filter(national_id=national_id)[:2])
    elif number := _try(normalise_registration_number, text):
        registrations = Registration.objects.visible_to(user).filter(number=number)
        found = list(volunteers.filter(pk__in=registrations.values("volunteer"))[:2])
    else:
        raise ValidationError(
            _(
                "Type the volunteer's national ID (13 digits) or registration number, such as "
                "0012/2562."
            ),
            code="not_an_identity",
        )
    if not found:
        raise ValidationError(
            _("No volunteer of the centres you see has this national ID or number."),
            code="no_volunteer",
        )
    if len(found) > 1:
        raise ValidationError(
            _("Several volunteers have this registration number: type the national ID."),
            code="several_volunteers",
        )
    return found[0]


def volunteer_field(help_text) -> forms.CharField:
    """The volunteer typed by national ID or registration number; see VolunteerLookupMixin."""
    return forms.CharField(
        label=_("the person's volunteer record"),
        max_length=40,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class VolunteerLookupMixin:
    """A form's ``volunteer`` field (volunteer_field) cleans to the volunteer it identifies
    among those the form's ``actor`` sees (find_volunteer), or None when left empty."""

    def clean_volunteer(self):
        text = self.cleaned_data.get("volunteer", "").strip()
        return find_volunteer(self.actor, text) if text else None


class AccountNameForm(ThaiFormMixin, forms.Form):
    """An account's name and email, as on a new account."""

    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("email"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


class AccountVolunteerForm(VolunteerLookupMixin, ThaiFormMixin, forms.Form):
    """The link of an account to the person's volunteer record: set, changed or, left empty,
    removed."""

    volunteer = volunteer_field(
        _(
            "The national ID or registration number (0012/2562) of the volunteer this account "
            "belongs to. Leave it empty to remove the link."
        )
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor


class AccountCreateForm(VolunteerLookupMixin, AccountNameForm):
    """A login and its staff assignment, together. The centre is typed (its code or a part of
    its name), never picked from a list of every centre."""

    field_order = ["username", "first_name", "last_name", "email", "role", "centre"]

    username = forms.CharField(
        label=_("username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only, such as somchai.bkn"),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("role"), choices=[(role.value, role.label) for role in ACCOUNT_ROLES]
    )
    centre = forms.CharField(
        label=_("centre"),
        max_length=200,
        required=False,
        help_text=_(
            "The centre's code (BKN) or a part of its name. A supervisor may instead "
            "be given a province or a region."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    province = forms.ModelChoiceField(
        Province.objects.all(), label=_("province (supervisors only)"), required=False
    )
    region = forms.ModelChoiceField(
        Region.objects.all(), label=_("region (supervisors only)"), required=False
    )
    starts_on = ThaiDateField(label=_("from"), initial=timezone.localdate)
    volunteer = volunteer_field(
        _(
            "Optional: the national ID or registration number (0012/2562) of the "
            "volunteer this account belongs to."
        )
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean_centre(self):
        text = self.cleaned_data.get("centre", "").strip()
        return find_centre(self.actor, text) if text else None

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        places = [cleaned.get(f) for f in ("centre", "province", "region")]
        if role == Role.SUPERVISOR and "centre" not in self.errors and not any(places):
            self.add_error("centre", _("A supervisor needs a centre, a province or a region."))
        return cleaned


class AccountSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Username, name, email or centre code"),
    )
