"""Persons and households: the people helped, their national IDs and addresses, and the
households they live in."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.lists import CasesListAdminMixin, _any_word
from cases.admin.writing import acting_form
from cases.forms import PostcodeFormMixin
from cases.models import Household, HouseholdMember, Person
from cases.search import national_id_in, person_name_order, person_name_q, persons_listed_for
from centres.access import scope_for
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin, planner_rows
from volunteer_centre.forms import PersonIdentityFormMixin
from volunteer_centre.identity import normalise_house_registration_code

PERSON_FIELDSETS = [
    (
        None,
        {"fields": ["centre", "title", "first_name", "last_name", "birth_date", "sex", "phone"]},
    ),
    (_("National ID"), {"fields": ["national_id", "no_id_reason", "no_id_note"]}),
    (_("Situation"), {"fields": ["target_groups", "has_disability", "note"]}),
    (
        _("Registered address"),
        {"fields": ["house_number", "moo", "village", "soi", "road", "subdistrict", "postcode"]},
    ),
    (
        _("Current address"),
        {
            "fields": [
                "current_same_as_registered",
                "current_house_number",
                "current_moo",
                "current_village",
                "current_soi",
                "current_road",
                "current_subdistrict",
                "current_postcode",
            ]
        },
    ),
]


class PersonAdminForm(PostcodeFormMixin, PersonIdentityFormMixin, forms.ModelForm):
    """The national ID typed any way, a birth date not in the future, a Thai phone, five-digit
    postcodes (the shared person mixins); a national ID already recorded is refused with a
    link to the person who has it."""

    actor = None
    # Shown on the add page only (PersonAdmin.get_fieldsets); see clean().
    confirm_new_person = forms.BooleanField(
        label=_("This is someone else: record a new person"),
        required=False,
        help_text=_("Tick after a warning that the person may already be recorded."),
    )

    class Meta:
        model = Person
        fields = [f for _name, options in PERSON_FIELDSETS for f in options["fields"]]

    def clean_national_id(self):
        value = super().clean_national_id()
        if not value:
            return value
        existing, visible = Person.objects.national_id_holder(
            value, user=self.actor, exclude_pk=self.instance.pk
        )
        if existing is None:
            return value
        if visible:
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("A person with this national ID is already recorded:"),
                    reverse("admin:cases_person_change", args=[existing.pk]),
                    existing.display_name,
                ),
                code="duplicate_national_id",
            )
        raise ValidationError(
            _("A person with this national ID is already recorded."),
            code="duplicate_national_id",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("national_id"):
            # A reason picked before the ID was typed no longer applies.
            cleaned["no_id_reason"] = ""
            cleaned["no_id_note"] = ""
        if cleaned.get("current_same_as_registered"):
            for name in ("house_number", "moo", "village", "soi", "road", "postcode"):
                cleaned[f"current_{name}"] = ""
            cleaned["current_subdistrict"] = None
        if self.instance._state.adding and not self.errors:
            self._warn_of_look_alikes(cleaned)
        return cleaned

    def _warn_of_look_alikes(self, cleaned) -> None:
        """Before a new person is saved: the recorded persons with the same name, birth date
        and district, linked, until the user confirms this is someone else. (The same ID is
        refused by clean_national_id.) Never blocks a confirmed entry."""
        if self.actor is None or cleaned.get("confirm_new_person"):
            return
        sub = cleaned.get("subdistrict") or cleaned.get("current_subdistrict")
        candidates = list(
            services.person_possible_duplicates(
                user=self.actor,
                national_id=cleaned.get("national_id"),
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
                birth_date=cleaned.get("birth_date"),
                district_code=sub.district_id if sub else None,
            )[:5]
        )
        if candidates:
            self.add_error(
                "confirm_new_person",
                ValidationError(
                    format_html(
                        "{} {}",
                        _("This may be a person already recorded; check before saving:"),
                        person_links(candidates),
                    ),
                    code="possible_duplicate",
                ),
            )


def person_links(persons) -> str:
    """Links to the admin pages of ``persons``, with their centres."""
    return format_html_join(
        ", ",
        '<a href="{}">{}</a> ({})',
        (
            (reverse("admin:cases_person_change", args=[p.pk]), p.display_name, p.centre)
            for p in persons
        ),
    )


def duplicate_warning(request, person: Person) -> None:
    """Warn, with links, about recorded persons that look like ``person``; never blocks."""
    candidates = list(services.person_possible_duplicates(user=request.user, person=person)[:5])
    if not candidates:
        return
    messages.warning(
        request,
        format_html(
            "{} {}",
            _("This may be a person already recorded; check before opening a case:"),
            person_links(candidates),
        ),
    )


@admin.register(Person)
class PersonAdmin(CasesListAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    form = PersonAdminForm
    list_display = [
        "display_name",
        "national_id_display",
        "birth_date",
        "sex",
        "district_name",
        "centre",
    ]
    list_select_related = ["centre", "subdistrict__district"]
    list_filter = ["sex", "has_disability"]
    search_fields = ["first_name", "last_name"]
    search_help_text = _("First or last name (any part), or the 13-digit national ID.")
    autocomplete_fields = ["centre", "subdistrict", "current_subdistrict"]
    fieldsets = PERSON_FIELDSETS

    @admin.display(description=_("district"), ordering="subdistrict__district__name_th")
    def district_name(self, obj):
        return obj.subdistrict.district if obj.subdistrict_id else ""

    def get_ordering(self, request):
        # A search, or a centre's persons among the country's: the few rows are found first
        # and sorted, not looked for along the names' index (see person_name_order).
        if request.GET.get("q", "").strip() or not scope_for(request.user).sees_all:
            return person_name_order(few_rows=True)
        return super().get_ordering(request)

    def listed(self, request):
        return persons_listed_for(request.user)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        if digits := national_id_in(search_term):
            return queryset.filter(national_id=digits), False
        return queryset.filter(person_name_q(search_term.split())), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return acting_form(form, request, refusals=False)

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        return [*self.fieldsets, (_("Already recorded?"), {"fields": ["confirm_new_person"]})]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            # A new person was checked before saving (PersonAdminForm.clean).
            duplicate_warning(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            person = self.get_object(request, object_id)
            if person is not None:
                duplicate_warning(request, person)
        return super().change_view(request, object_id, form_url, extra_context)


class HouseholdMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The same person twice in one submit: the formset's unique checks skip conditional
        constraints, and the database would refuse the second row with an IntegrityError."""
        super().clean()
        seen = set()
        for form in self.forms:
            person = form.cleaned_data.get("person") if form.cleaned_data else None
            if person is None or form.cleaned_data.get("DELETE"):
                continue
            if person.pk in seen:
                form.add_error("person", _("This person is already a member of the household."))
            seen.add(person.pk)


class HouseholdMemberInline(ScopedAdminMixin, ThaiDatesAdminMixin, admin.TabularInline):
    model = HouseholdMember
    formset = HouseholdMemberFormSet
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "name", "relation", "birth_date", "occupation", "monthly_income"]


class HouseholdAdminForm(forms.ModelForm):
    # Longer than the 11 stored digits: the code is often typed with dashes or spaces.
    house_registration_code = forms.CharField(
        label=Household._meta.get_field("house_registration_code").verbose_name,
        help_text=Household._meta.get_field("house_registration_code").help_text,
        max_length=30,
        required=False,
    )

    class Meta:
        model = Household
        fields = ["name", "house_registration_code", "centre", "note"]

    def clean_house_registration_code(self):
        return normalise_house_registration_code(self.cleaned_data.get("house_registration_code"))


# Persons (by PostgreSQL's estimate) from which a searched name is common enough that walking
# the households in order finds a page sooner than finding its persons first.
COMMON_NAME_FROM = 2000


@admin.register(Household)
class HouseholdAdmin(CasesListAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    form = HouseholdAdminForm
    list_display = ["__str__", "house_registration_code", "centre"]
    list_select_related = ["centre"]
    search_fields = [
        "name",
        "house_registration_code",
        "members__person__first_name",
        "members__person__last_name",
        "members__name",
    ]
    autocomplete_fields = ["centre"]
    inlines = [HouseholdMemberInline]

    def get_search_results(self, request, queryset, search_term):
        """The search_fields, each word in any of them, without the joins (which read every
        member and person, and need a DISTINCT)."""
        words = search_term.split()
        if not words:
            return queryset, False

        def test(word):
            # The members, and their persons, of each household. For a name PostgreSQL expects
            # many persons to hold (COMMON_NAME_FROM), tested household by household along the
            # list's order, which meets a page's worth within its first thousand households; a
            # rarer name lets PostgreSQL find its few persons and members first (an EXISTS it
            # may hash), since walking would then read every household.
            names = person_name_q([word])
            common = planner_rows(Person.objects.filter(names)) > COMMON_NAME_FROM
            persons = Person.objects.filter(names, pk=OuterRef("person_id"))
            members = HouseholdMember.objects.filter(household=OuterRef("pk"))
            if common:
                # Scalar subqueries (never hashed): evaluated row by row.
                def found(rows):
                    return IsNull(Subquery(rows.values("pk")[:1]), False)

            else:

                def found(rows):
                    return Exists(rows)

            member = members.filter(Q(name__icontains=word) | Q(found(persons)))
            q = Q(name__icontains=word) | Q(found(member))
            if any(ch.isdigit() for ch in word):
                # The code is stored as 11 digits (HouseholdAdminForm): only a word with a
                # digit can be part of one.
                q |= Q(house_registration_code__icontains=word)
            return q

        return queryset.filter(_any_word(words, test)), False
