"""Staff forms for cases. Forms only clean input; the views hand it to cases.services."""

import copy
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
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
    Relation,
    ReporterType,
    RiskFlag,
    Urgency,
)
from centres.forms import AddressFieldsMixin, offer_centres
from centres.models import Centre
from volunteer_centre.forms import (
    MAX_CHOICES,
    PersonIdentityFormMixin,
    ThaiDateField,
    ThaiFormMixin,
    validate_not_in_future,
)
from volunteer_centre.thai import to_arabic_digits, whole_number
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


@dataclass
class ChoiceSearch:
    """A search box of the page that fills a narrowed list (NarrowedChoicesMixin.narrow)."""

    param: str  # its GET parameter
    label: str
    field_label: str
    query: str
    found: int
    keep: list[tuple[str, str]]  # the page's other GET parameters, kept by a new search


VOLUNTEER_SEARCH = _("Find volunteers of the centre (name, national ID or registration number)")
AGENCY_SEARCH = _("Find the agency (a part of its name)")


def search_volunteers(volunteers, text: str):
    """Name, national ID or registration number (Volunteer.objects.search)."""
    return volunteers.search(text)


def search_agencies(agencies, text: str):
    return agencies.filter(Q(name_th__icontains=text) | Q(name_en__icontains=text))


class NarrowedChoicesMixin:
    """Fields choosing among an open-ended set (a centre's volunteers, the partner agencies):
    while the set has at most MAX_CHOICES members the field lists them all; beyond, it lists
    those already chosen and those found by the page's search (a GET parameter of ``search``,
    the request's GET), and ``searches`` tells the template which search boxes to show. Any
    member of the field's queryset is accepted, whether listed or not."""

    FOUND = 20  # the most a search lists

    def __init__(self, *args, search: QueryDict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_params = search if search is not None else QueryDict()
        self.searches: list[ChoiceSearch] = []

    def narrow(self, name: str, *, param: str, label, find) -> None:
        """Narrow the field ``name`` (its queryset set); ``find(queryset, text)`` searches.
        One query while the set is short; beyond, one for those chosen and one for those
        found, and the list's own query is not made."""
        field = self.fields[name]
        queryset = field.queryset
        # Any MAX_CHOICES + 1 members, then those in order: a short set is the whole of it,
        # and a long one (a ministry's 250,000 volunteers) is never sorted to tell it is long.
        first = queryset.order_by().values("pk")[: MAX_CHOICES + 1]
        few = list(queryset.filter(pk__in=first))
        if len(few) <= MAX_CHOICES:
            shown = few
        else:
            query = to_arabic_digits(str(self.search_params.get(param) or "").strip())[:100]
            chosen = self._chosen_pks(name)
            shown = list(queryset.filter(pk__in=chosen)) if chosen else []
            found = list(find(queryset, query)[: self.FOUND]) if query else []
            shown += [item for item in found if item not in shown]
            keep = [(key, value) for key in self.search_params if key != param
                    for value in self.search_params.getlist(key)]  # fmt: skip
            self.searches.append(
                ChoiceSearch(param, label, field.label, query, len(found), keep)
            )  # fmt: skip
            field.help_text = _("Too many to list them all: find them with the search above.")
        choices = [(item.pk, field.label_from_instance(item)) for item in shown]
        if not isinstance(field, forms.ModelMultipleChoiceField) and field.empty_label is not None:
            choices.insert(0, ("", field.empty_label))
        field.widget.choices = choices

    def _chosen_pks(self, name: str) -> list[int]:
        if self.is_bound:
            key = self.add_prefix(name)
            values = self.data.getlist(key) if hasattr(self.data, "getlist") else [
                self.data.get(key)
            ]  # fmt: skip
        else:
            value = self.initial.get(name, self.fields[name].initial)
            values = value if isinstance(value, list | tuple) else [value]
        pks = (whole_number(getattr(v, "pk", v), 10) for v in values if v not in (None, ""))
        return [pk for pk in pks if pk is not None]


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
        self.narrow("volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH,
                    find=search_volunteers)  # fmt: skip


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
        self.narrow("volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH,
                    find=search_volunteers)  # fmt: skip


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
        self.narrow("provider_agency", param="agency_q", label=AGENCY_SEARCH,
                    find=search_agencies)  # fmt: skip
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
        self.narrow("volunteers", param="volunteer_q", label=VOLUNTEER_SEARCH,
                    find=search_volunteers)  # fmt: skip


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


# ---------------------------------------------------------------------------------------------
# Corrections (issue 11): a person, a household and its members, a case's intake details, a
# consent's withdrawal, a volunteer taken off a case. The services keep the old values.
# ---------------------------------------------------------------------------------------------


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

    FIELDS = ("opened_on", "intake_channel", "reporter_type", "reporter_anonymous",
              "reporter_name", "reporter_phone", "problems", "risk_flags", "risk_note",
              "urgency", "summary")  # fmt: skip

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


_CODE_SEPARATORS = " -"


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
        value = to_arabic_digits(self.cleaned_data.get("house_registration_code") or "")
        value = "".join(ch for ch in value if ch not in _CODE_SEPARATORS)
        if value and not (len(value) == 11 and value.isdigit()):
            raise ValidationError(
                _("A house registration code has 11 digits."), code="house_registration_code"
            )
        return value


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
        label=_("relation to the head"), choices=[("", "---------"), *Relation.choices],
        required=False,
    )  # fmt: skip
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
            (p.pk, f"{p.display_name} · {p.national_id_display}" if p.national_id
             else p.display_name)
            for p in person_choices
        ]  # fmt: skip

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
    MemberForm, formset=BaseMemberFormSet, extra=2, can_delete=True, can_delete_extra=False,
    max_num=40, validate_max=True,
)  # fmt: skip
