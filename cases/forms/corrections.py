"""Corrections (issue 11): a person, a household and its members, a case's intake details, a
consent's withdrawal, a volunteer taken off a case. The services keep the old values."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.forms._common import VolunteerChoiceField
from cases.forms.intake import IntakeForm, PersonForm
from cases.models import Person, Relation
from cases.services import CASE_DETAIL_FIELDS
from volunteer_centre.forms import (
    PersonIdentityFormMixin,
    ThaiDateField,
    ThaiFormMixin,
    validate_not_in_future,
)
from volunteer_centre.identity import normalise_house_registration_code
from volunteers.models import Volunteer


def version_field():
    """The digest of the record the form was filled on (cases.services.person_version and
    the like), so that a correction saved meanwhile by someone else is not undone."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class PersonEditForm(PersonForm):
    """The intake's person form on a recorded person. A national ID held by another person
    is refused beside the ID (with a link when the user may open that person, as "at another
    centre" otherwise); the look-alike warning (same name, birth date and district) is the
    view's, and the user confirms it with ``confirm_look_alike``."""

    version = version_field()

    correction_note = forms.CharField(
        label=_("about this correction"),
        max_length=1000,
        required=False,
        help_text=_("Kept on the timeline with the values replaced."),
    )

    def clean_national_id(self):
        # Not the intake's: on a recorded person there is no existing record to choose instead.
        value = PersonIdentityFormMixin.clean_national_id(self)
        existing = self.visible_national_id_holder(value)
        if existing is not None:
            message = _("A person with this national ID is already recorded:")
            raise self.duplicate_national_id(existing, message)
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded_subdistricts = {
            p: getattr(self.instance, f"{p}subdistrict_id") for p in ("", "current_")
        }
        # Shown as people read and type them, not as stored (13 digits, +66…).
        self.initial["phone"] = self.instance.phone_display
        self.initial["national_id"] = self.instance.national_id_display or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("national_id"):
            # A reason picked when the ID was unknown no longer applies (person_update clears
            # it too).
            cleaned["no_id_reason"] = ""
            cleaned["no_id_note"] = ""
        for p, recorded in self.recorded_subdistricts.items():
            # The intake fills an empty postcode from the subdistrict; on a correction only a
            # subdistrict the user changed does, or the history would show a change nobody made.
            sub = cleaned.get(f"{p}subdistrict")
            typed = (self.data.get(self.add_prefix(f"{p}postcode")) or "").strip()
            if getattr(sub, "pk", None) == recorded and not typed:
                cleaned[f"{p}postcode"] = ""
        return cleaned

    def _post_clean(self):
        # The form only cleans input: the model's checks run in person_update, on the row
        # read under its lock, and answer beside the field they concern.
        pass

    def correction(self) -> dict:
        """The cleaned values person_update takes."""
        from cases.services import PERSON_FIELDS

        return {f: self.cleaned_data[f] for f in PERSON_FIELDS if f in self.cleaned_data}


class CaseEditForm(ThaiFormMixin, forms.Form):
    """The intake's case fields, on a recorded case: the same fields (and labels) as
    IntakeForm, less the centre and the volunteers, which have their own pages."""

    FIELDS = ("opened_on", *CASE_DETAIL_FIELDS)

    version = version_field()

    note = forms.CharField(
        label=_("about this correction"),
        max_length=1000,
        required=False,
        help_text=_("Kept on the timeline with the values replaced."),
    )

    def __init__(self, *args, case, **kwargs):
        from cases.services import case_version

        initial = {f: getattr(case, f) for f in self.FIELDS} | {"version": case_version(case)}
        super().__init__(*args, initial=initial, **kwargs)
        fields = {f: copy.deepcopy(IntakeForm.base_fields[f]) for f in self.FIELDS}
        fields["opened_on"].required = True
        self.fields = {**fields, **self.fields}


class ConsentWithdrawForm(ThaiFormMixin, forms.Form):
    withdrawn_on = ThaiDateField(
        label=_("withdrawn on"), required=False, help_text=_("Leave empty for today.")
    )
    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)


class UnassignForm(forms.Form):
    volunteers = VolunteerChoiceField(Volunteer.objects.none(), label=_("take off the case"))
    note = forms.CharField(
        label=_("why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = case.volunteers.order_by("first_name", "last_name")


class HouseholdForm(ThaiFormMixin, forms.Form):
    prefix = "household"

    version = version_field()

    name = forms.CharField(
        label=_("name"),
        max_length=200,
        required=False,
        help_text=_("For example the family name of the head of household."),
    )
    # Longer than the 11 stored digits: the code is often typed with dashes or spaces.
    house_registration_code = forms.CharField(
        label=_("house registration code"),
        max_length=30,
        required=False,
        help_text=_("The 11-digit code of the house registration (ทะเบียนบ้าน)."),
    )
    note = forms.CharField(
        label=_("about this correction"),
        max_length=1000,
        required=False,
        help_text=_("Kept on the timeline with the values replaced."),
    )

    def clean_house_registration_code(self):
        return normalise_house_registration_code(self.cleaned_data.get("house_registration_code"))


class MemberForm(ThaiFormMixin, forms.Form):
    """One member row: a recorded person (chosen among the members and the persons found by
    the page's search) or only a name, with the relation and the monthly income."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    person = forms.ModelChoiceField(
        Person.objects.none(),
        label=pgettext_lazy("person helped", "recorded person"),
        required=False,
    )
    name = forms.CharField(
        label=_("or the name"),
        max_length=200,
        required=False,
        help_text=_("For a member who is not recorded as a person."),
    )
    relation = forms.ChoiceField(
        label=_("relation to the head"),
        choices=[("", "---------"), *Relation.choices],
        required=False,
    )
    birth_date = ThaiDateField(
        label=_("birth date"), required=False, validators=[validate_not_in_future]
    )
    occupation = forms.CharField(label=_("occupation"), max_length=150, required=False)
    monthly_income = forms.DecimalField(
        label=_("monthly income (baht)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        # A text input: a number input takes no Thai digits, which ThaiFormMixin reads.
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, user, member_ids, person_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_ids = member_ids
        person = self.fields["person"]
        # Any person of the user's centres is accepted (read by pk); the select lists only the
        # members and the persons found, never every person recorded.
        person.queryset = Person.objects.writable_by(user)
        person.widget.choices = [("", "---------")] + [
            (
                p.pk,
                f"{p.display_name} · {p.national_id_display}" if p.national_id else p.display_name,
            )
            for p in person_choices
        ]

    def clean_id(self):
        value = self.cleaned_data.get("id")
        if value is not None and value not in self.member_ids:
            raise ValidationError(
                _("This row is not a member of this household: reload the page."),
                code="member_of_another_household",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not self.has_changed():
            return cleaned
        named = cleaned.get("person") or (cleaned.get("name") or "").strip()
        if not named and "person" not in self.errors:
            self.add_error("name", _("Choose a recorded person or type the member's name."))
        if not cleaned.get("relation"):
            self.add_error("relation", _("Choose the relation to the head."))
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("remove from the household")

    def clean(self):
        """The same person twice: refused beside the second row, not by the database."""
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            person = data.get("person") if data and not data.get("DELETE") else None
            if person is None:
                continue
            if person.pk in seen:
                form.add_error("person", _("This person is already a member of the household."))
            seen.add(person.pk)

    def rows(self):
        """The rows person_update's household sibling takes (see services.MemberRow)."""
        from cases.services import MemberRow

        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or (
                data.get("id") is None and (data.get("DELETE") or not form.has_changed())
            ):
                continue
            rows.append(
                MemberRow(
                    id=data.get("id"),
                    person=data.get("person"),
                    name=(data.get("name") or "").strip(),
                    relation=data.get("relation") or "",
                    birth_date=data.get("birth_date"),
                    occupation=(data.get("occupation") or "").strip(),
                    monthly_income=data.get("monthly_income"),
                    remove=bool(data.get("DELETE")),
                )
            )
        return rows


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=40,
    validate_max=True,
)
