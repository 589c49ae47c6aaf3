"""The admin of the cases database.

Everything centre-owned goes through ScopedAdminMixin (visible_to, read-only supervisors, 404
outside scope). Case status, visits, assistance, consent and referrals are written only by
cases.services: the forms below check their input, and the admin's save runs each service
once (ServiceSaveAdminMixin); a refusal rolls the whole save back and shows the service's
messages next to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cases import services
from cases.forms import PostcodeFormMixin
from cases.models import (
    Agency,
    Assistance,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseStatus,
    CaseTransfer,
    ClosureReason,
    Consent,
    Household,
    HouseholdMember,
    Person,
    Problem,
    Referral,
    ReferralStatus,
    Visit,
)
from cases.search import (
    CasesPaginator,
    InArray,
    case_children_listed_for,
    case_number_in,
    case_number_q,
    cases_matching,
    may_be_in_a_number,
    national_id_in,
    person_name_order,
    person_name_q,
    persons_listed_for,
)
from centres.access import scope_for
from centres.admin import ScopedAdminMixin, WrittenByServicesAdminMixin
from centres.forms import QUICK_RENDERER
from centres.models import Centre, District, Province
from volunteer_centre.admin import AdminThaiDateWidget, ThaiDatesAdminMixin, planner_rows
from volunteer_centre.forms import PersonIdentityFormMixin, ThaiDateField
from volunteer_centre.identity import compact_id, normalise_phone
from volunteer_centre.thai import to_arabic_digits, whole_number

# ---------------------------------------------------------------------------------------------
# Writing through the services
# ---------------------------------------------------------------------------------------------


class ServiceRefused(Exception):
    """A service refused part of an admin save. Raised out of the save's transaction, so that
    everything the save wrote is rolled back."""


class ServiceSave:
    """What the services refused during one admin save, by the prefix of the form whose input
    they refused (None for the page's main form)."""

    def __init__(self) -> None:
        self.refused: dict[str | None, list[ValidationError]] = {}

    def run(self, form: forms.BaseForm, call: Callable[[], object]) -> object | None:
        """``call()``, a service run for ``form``; its ValidationError is kept for the form
        (the service's own atomic block has undone what it wrote) and None returned."""
        try:
            return call()
        except ValidationError as error:
            self.refused.setdefault(form.prefix, []).append(error)
            return None

    def check(self) -> None:
        """After the save's last service: anything refused undoes the whole save."""
        if self.refused:
            raise ServiceRefused


def service_save(request) -> ServiceSave:
    """The refusals of the save of ``request`` (ServiceSaveAdminMixin sets them up)."""
    return request.__dict__.setdefault("_vc_service_save", ServiceSave())


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors next to the form's fields (the others at the top).

    ``form.service_fields`` maps a service's argument names to the form's field names where
    they differ.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renames = getattr(form, "service_fields", {})
    for name, errors in error.error_dict.items():
        field = renames.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class RefusalsFormMixin:
    """A form of an admin page that ServiceSaveAdminMixin shows again after a refused save:
    the services' messages go beside the fields they name, and the form is then invalid, so
    the page is shown, not saved. ``refused`` is set on the form's class, per request."""

    refused: dict[str | None, list[ValidationError]] = {}

    def add_refusals(self) -> None:
        for error in self.refused.get(self.prefix, ()):
            add_service_error(self, error)


class ServiceSaveAdminMixin:
    """An admin whose save writes through the services, each run once.

    The forms check only their input. The save (save_form, save_model, save_related) runs the
    services for real, inside the transaction of Django's change view; each refusal is kept
    (ServiceSave.run) and the save goes on, so that one submit shows every message. If any
    service refused, ServiceRefused leaves the transaction, which rolls back everything the
    save wrote (no half-saved case, no event of a save that did not happen), and the page is
    built again from the same submit with the messages beside the fields: the forms are
    checked again, no service runs."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        save = request.__dict__["_vc_service_save"] = ServiceSave()
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused:
            request.__dict__["_vc_refused"] = save.refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def refusals(request) -> dict:
        """For the forms' classes: the refusals to show (none during a save)."""
        return {"refused": request.__dict__.get("_vc_refused", {})}


def acting_form(form: type, request, *, refusals: bool = True) -> type:
    """``form`` for this request: its ``actor`` (whom its save records) is the user, and with
    ``refusals`` it shows the services' refusals of the save (ServiceSaveAdminMixin)."""
    attrs = {"actor": request.user}
    if refusals:
        attrs.update(ServiceSaveAdminMixin.refusals(request))
    return type(form.__name__, (form,), attrs)


class ServiceForm(RefusalsFormMixin, forms.ModelForm):
    """A ModelForm whose new rows are written by a service, never by ``save()``.

    Subclasses define ``run(actor, case)``. The model's own validation is skipped on purpose:
    the service checks everything, with the messages our users read.
    """

    actor = None

    def run(self, actor, case):
        raise NotImplementedError

    def _post_clean(self):
        self.add_refusals()


class UndeletableAdminMixin:
    """Cases, their events, visits, assistance, referrals and consents are the record of what
    was done for a person: never deleted here, by anyone. A consent is withdrawn, a referral
    revoked, a case closed. Without the delete permission the admin also drops the "delete
    selected" action and refuses the delete page."""

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceInline(
    UndeletableAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.TabularInline
):
    """Add-only: rows already recorded are shown read-only; new rows go through a service."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # Each row's title names its case.
        return super().get_queryset(request).select_related("case")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status != CaseStatus.CLOSED
            and super().has_add_permission(request, obj)
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = acting_form(formset.form, request)
        formset.service_inline = True
        # Inputs and selects written in Python (centres.forms.QuickRenderer), the same HTML.
        formset.renderer = QUICK_RENDERER
        return formset


def save_service_formset(formset, save: ServiceSave) -> None:
    """Each new row of ``formset`` through its service, once; refusals are kept in ``save``."""
    created = []
    for form in formset.extra_forms:
        if form.has_changed() and not form.cleaned_data.get("DELETE"):
            result = save.run(form, lambda form=form: form.run(form.actor, formset.instance))
            if result is not None:
                created += result if isinstance(result, list) else [result]
    # What the admin's change message reads from a formset it saved itself.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []


# ---------------------------------------------------------------------------------------------
# Search: names (Thai substring, trigram-indexed) and national IDs typed any way
# ---------------------------------------------------------------------------------------------


class CasesListAdminMixin:
    """The cases admin's lists at national size: CasesPaginator, and 50 rows a page (Django's
    100 took as long to render as the rest of the page, and a searched page of a common name
    reads twice the rows to fill).

    ``listed(request)``, when an admin defines it, gives the changelist's rows: the same rows
    as get_queryset (visible_to), in a form a list of many of them wants (cases.search). The
    change pages keep get_queryset, for their one record."""

    paginator = CasesPaginator
    list_per_page = 50

    def changelist_view(self, request, extra_context=None):
        request._vc_listing = True
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        listed = getattr(self, "listed", None)
        if listed is not None and getattr(request, "_vc_listing", False):
            return listed(request)
        return super().get_queryset(request)


class CaseChildListAdminMixin(CasesListAdminMixin):
    """Referrals and consents: a centre's among the country's found through its cases."""

    def listed(self, request):
        return case_children_listed_for(self.model, request.user)

    def own_word_q(self, word: str) -> Q:
        """What a search word matches in the record's own columns (its case number aside)."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        """The search_fields: each word in the case number or the record's own columns
        (``own_word_q``), through the cases' and those columns' indexes instead of a join ORed
        across tables; a whole case number by the number's unique index."""
        if number := case_number_in(search_term):
            return queryset.filter(case_number_q(number, "case__")), False

        def test(word):
            q = self.own_word_q(word)
            # The numbers' test only for a word that can be in one: an empty part left in has
            # PostgreSQL walk the whole list in its order to find nothing.
            if may_be_in_a_number(word):
                cases = Case.objects.filter(number__icontains=word).values("pk")
                q |= Q(InArray("case_id", cases))
            return q

        words = search_term.split()
        return (queryset.filter(_any_word(words, test)) if words else queryset), False


def _any_word(words: list[str], test) -> Q:
    """Every word passes ``test(word)`` (a Q): the admin's rule for a search of several words."""
    q = Q()
    for word in words:
        q &= test(word)
    return q


# ---------------------------------------------------------------------------------------------
# Persons and households
# ---------------------------------------------------------------------------------------------


PERSON_FIELDSETS = [
    (None, {"fields": ["centre", "title", "first_name", "last_name", "birth_date", "sex",
                       "phone"]}),
    (_("National ID"), {"fields": ["national_id", "no_id_reason", "no_id_note"]}),
    (_("Situation"), {"fields": ["target_groups", "has_disability", "note"]}),
    (_("Registered address"), {"fields": ["house_number", "moo", "village", "soi", "road",
                                          "subdistrict", "postcode"]}),
    (_("Current address"), {"fields": ["current_same_as_registered", "current_house_number",
                                       "current_moo", "current_village", "current_soi",
                                       "current_road", "current_subdistrict",
                                       "current_postcode"]}),
]  # fmt: skip


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
    list_display = ["display_name", "national_id_display", "birth_date", "sex", "district_name",
                    "centre"]  # fmt: skip
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
        value = compact_id(self.cleaned_data.get("house_registration_code"))
        if value and not (len(value) == 11 and value.isdigit()):
            raise ValidationError(
                _("A house registration code has 11 digits."), code="house_registration_code"
            )
        return value


# Persons (by PostgreSQL's estimate) from which a searched name is common enough that walking
# the households in order finds a page sooner than finding its persons first.
COMMON_NAME_FROM = 2000


@admin.register(Household)
class HouseholdAdmin(CasesListAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    form = HouseholdAdminForm
    list_display = ["__str__", "house_registration_code", "centre"]
    list_select_related = ["centre"]
    search_fields = ["name", "house_registration_code", "members__person__first_name",
                     "members__person__last_name", "members__name"]  # fmt: skip
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


# ---------------------------------------------------------------------------------------------
# Agencies: reference data, edited by ministry administrators
# ---------------------------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    list_display = ["name_th", "type", "internal", "province", "phone", "active"]
    list_filter = ["type", "internal", "active", "province__region"]
    list_select_related = ["province"]
    search_fields = ["name_th", "name_en"]
    autocomplete_fields = ["province", "district"]

    def _writable(self, request, obj=None) -> bool:
        return scope_for(request.user).sees_all

    def get_search_results(self, request, queryset, search_term):
        queryset, dup = super().get_search_results(request, queryset, search_term)
        # A referral picks among the agencies still working with us.
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(active=True)
        return queryset, dup


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


# A filter with more choices than this is typed (a centre's code, a district's DOPA code)
# instead of listed: a ministry administrator's thousand centres and nine hundred districts
# made every case list page 300 KB of links.
LISTED_CHOICES_UP_TO = 100


class TypedWhenLongFilter(admin.SimpleListFilter):
    """A list filter whose choices are links while they are few, and a text box when there
    are more than LISTED_CHOICES_UP_TO (``lookups`` fetches one more to tell)."""

    template = "admin/cases/typed_filter.html"
    placeholder = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.typed = len(self.lookup_choices) > LISTED_CHOICES_UP_TO
        if self.typed:
            self.lookup_choices = []
        else:
            self.template = "admin/filter.html"

    def has_output(self):
        return self.typed or super().has_output()

    def choices(self, changelist):
        if not self.typed:
            yield from super().choices(changelist)
            return
        yield {
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "placeholder": self.placeholder,
            # The list's other parameters, kept by the box's form as hidden inputs.
            "keep": [
                (k, v) for k, v in changelist.params.items() if k not in (self.parameter_name, "p")
            ],  # fmt: skip
            "clear": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }


class CentreListFilter(TypedWhenLongFilter):
    title = _("centre")
    parameter_name = "centre"
    placeholder = _("centre code")

    def lookups(self, request, model_admin):
        centres = Centre.objects.visible_to(request.user).only("name_th")
        return [(c.pk, c.name_th) for c in centres[: LISTED_CHOICES_UP_TO + 1]]

    def centre_pk(self) -> int | None:
        """The centre chosen: its id (a link), or its code typed in any case."""
        value = (self.value() or "").strip()
        pk = whole_number(value, 10)
        if pk is not None:
            return pk
        return Centre.objects.filter(code__iexact=value).values_list("pk", flat=True).first()

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # A tampered id or an unknown code lists nothing rather than failing.
        pk = self.centre_pk()
        return queryset.filter(centre_id=pk) if pk is not None else queryset.none()


class CentrePlaceListFilter(TypedWhenLongFilter):
    """The districts (or provinces) of the centres in scope that have cases."""

    place_model = District
    placeholder = _("DOPA code")

    def lookups(self, request, model_admin):
        # Exists per centre (a look-up in the cases' centre index), not a join of every case.
        centres = Centre.objects.visible_to(request.user).filter(
            Exists(Case.objects.filter(centre=OuterRef("pk")))
        )
        places = self.place_model.objects.filter(centres__in=centres).distinct()
        return [(p.pk, p.name_th) for p in places.only("name_th")[: LISTED_CHOICES_UP_TO + 1]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        code = to_arabic_digits(self.value().strip())
        return queryset.filter(**{f"centre__{self.parameter_name}_id": code})


class DistrictListFilter(CentrePlaceListFilter):
    title = _("district")
    parameter_name = "district"
    place_model = District


class ProvinceListFilter(CentrePlaceListFilter):
    title = _("province")
    parameter_name = "province"
    place_model = Province


class ProblemListFilter(admin.SimpleListFilter):
    title = _("problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return Problem.choices

    def queryset(self, request, queryset):
        # problems @> ARRAY[value] uses the GIN index on problems.
        return queryset.filter(problems__contains=[self.value()]) if self.value() else queryset


def fiscal_years_of(cases: QuerySet) -> list[int]:
    """The fiscal years ``cases`` have, newest first, in one query.

    A DISTINCT reads every case; this walks down the (fiscal_year, centre) index instead, one
    look-up a year (a "loose index scan": each step asks for the largest year below the last).
    """
    base = cases.order_by("-fiscal_year").values("fiscal_year")
    below_last = base.filter(fiscal_year__lt=RawSQL("years.fy", ()))  # noqa: S611 - a constant
    try:
        first_sql, first_params = base[:1].query.sql_with_params()
        step_sql, step_params = below_last[:1].query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing
        return []
    sql = f"""
        WITH RECURSIVE years(fy) AS (
            ({first_sql})
            UNION ALL
            SELECT ({step_sql}) FROM years WHERE years.fy IS NOT NULL
        )
        SELECT fy FROM years WHERE fy IS NOT NULL
    """  # noqa: S608 - both parts are the ORM's SQL, the values are bound parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, (*first_params, *step_params))
        return [row[0] for row in cursor.fetchall()]


class FiscalYearListFilter(admin.SimpleListFilter):
    title = _("fiscal year")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        return [(y, str(y)) for y in fiscal_years_of(Case.objects.visible_to(request.user))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        year = whole_number(value, 4)
        return queryset.filter(fiscal_year=year) if year is not None else queryset.none()


class CaseEventInline(ServiceInline):
    """The history: appended by the services, never added or edited here."""

    model = CaseEvent
    fields = ["at", "kind", "from_status", "to_status", "actor", "note", "changes"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("values replaced"))
    def changes(self, obj):
        return format_html_join("", "<div>{}</div>", ((line,) for line in obj.change_lines()))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentAdminForm(ServiceForm):
    service_fields = {"volunteers": "volunteer"}

    class Meta:
        model = CaseAssignment
        fields = ["volunteer"]

    def run(self, actor, case):
        return services.case_assign_volunteers(
            actor=actor, case=case, volunteers=[self.cleaned_data["volunteer"]]
        )


class CaseAssignmentInline(ServiceInline):
    model = CaseAssignment
    form = AssignmentAdminForm
    fields = ["volunteer", "assigned_on", "assigned_by"]
    readonly_fields = ["assigned_on", "assigned_by"]
    autocomplete_fields = ["volunteer"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer", "assigned_by")


class VisitAdminForm(ServiceForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "volunteers", "findings", "next_follow_up_on"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.visit_record(
            actor=actor,
            case=case,
            visited_on=data.get("visited_on"),
            findings=data.get("findings", ""),
            volunteers=list(data.get("volunteers") or []),
            next_follow_up_on=data.get("next_follow_up_on"),
        )


class VisitInline(ServiceInline):
    model = Visit
    form = VisitAdminForm
    fields = ["visited_on", "volunteers", "findings", "next_follow_up_on", "recorded_by"]
    readonly_fields = ["recorded_by"]
    autocomplete_fields = ["volunteers"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recorded_by")
            .prefetch_related("volunteers")
        )


_ITEM_LINE = re.compile(r"^(?P<name>.*?)\s+(?P<quantity>\d+)\s*(?P<unit>\S*)\s*$")


def parse_items(text: str) -> list[services.Item]:
    """One item a line, in the Thai order "name quantity unit": ``จักรยาน 1 คัน``.

    A line without a quantity is one of the thing named.
    """
    items = []
    for line in to_arabic_digits(text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if m := _ITEM_LINE.match(line):
            items.append(services.Item(m["name"], int(m["quantity"]), m["unit"]))
        else:
            items.append(services.Item(line, 1, ""))
    return items


class AssistanceAdminForm(ServiceForm):
    service_fields = {"items": "items_text"}
    items_text = forms.CharField(
        label=_("items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
        help_text=_("One a line: name, quantity, unit (จักรยาน 1 คัน)."),
    )

    class Meta:
        model = Assistance
        fields = ["kind", "programme", "amount", "given_on", "provider_agency", "description"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.assistance_record(
            actor=actor,
            case=case,
            kind=data.get("kind"),
            programme=data.get("programme"),
            amount=data.get("amount"),
            given_on=data.get("given_on"),
            description=data.get("description", ""),
            items=parse_items(data.get("items_text", "")),
            provider_agency=data.get("provider_agency"),
        )


class AssistanceInline(ServiceInline):
    model = Assistance
    form = AssistanceAdminForm
    fields = ["kind", "programme", "amount", "given_on", "provider_agency", "description",
              "items_text", "item_list"]  # fmt: skip
    readonly_fields = ["item_list"]
    autocomplete_fields = ["provider_agency"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("provider_agency", "provider_centre")
            .prefetch_related("items")
        )

    @admin.display(description=_("items given"))
    def item_list(self, obj):
        return ", ".join(str(i) for i in obj.items.all()) if obj.pk else ""


class ConsentAdminForm(ServiceForm):
    class Meta:
        model = Consent
        fields = ["given_by", "guardian_name", "guardian_relation", "purpose", "given_on"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.consent_record(
            actor=actor,
            case=case,
            given_by=data.get("given_by"),
            purpose=data.get("purpose", ""),
            given_on=data.get("given_on"),
            guardian_name=data.get("guardian_name", ""),
            guardian_relation=data.get("guardian_relation", ""),
        )


class ConsentInline(ServiceInline):
    model = Consent
    form = ConsentAdminForm
    fields = ["given_by", "guardian_name", "guardian_relation", "purpose", "given_on",
              "withdrawn_on"]  # fmt: skip
    readonly_fields = ["withdrawn_on"]


class ReferralAdminForm(ServiceForm):
    class Meta:
        model = Referral
        fields = ["agency", "referred_on", "reason", "basis", "consent", "basis_note"]

    def run(self, actor, case):
        data = self.cleaned_data
        return services.referral_create(
            actor=actor,
            case=case,
            agency=data.get("agency"),
            reason=data.get("reason", ""),
            referred_on=data.get("referred_on"),
            basis=data.get("basis"),
            consent=data.get("consent"),
            basis_note=data.get("basis_note", ""),
        )


class ReferralInline(ServiceInline):
    model = Referral
    form = ReferralAdminForm
    fields = ["agency", "referred_on", "reason", "basis", "consent", "basis_note", "status",
              "answered_on", "finished_on", "outcome"]  # fmt: skip
    readonly_fields = ["status", "answered_on", "finished_on", "outcome"]
    autocomplete_fields = ["agency"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "consent")

    def get_formset(self, request, obj=None, **kwargs):
        self._case = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "consent":
            # The consents of this case only, and only those still standing.
            case = getattr(self, "_case", None)
            kwargs["queryset"] = Consent.objects.filter(
                case=case, withdrawn_on__isnull=True
            ) if case else Consent.objects.none()  # fmt: skip
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CaseAddForm(RefusalsFormMixin, forms.ModelForm):
    """Opening a case: validated and saved by services.case_open (CaseAdmin.save_form)."""

    actor = None

    class Meta:
        model = Case
        fields = ["centre", "person", "opened_on", "intake_channel", "reporter_type",
                  "reporter_anonymous", "reporter_name", "reporter_phone", "problems",
                  "risk_flags", "risk_note", "urgency", "summary"]  # fmt: skip

    def open(self) -> Case:
        data = {f: self.cleaned_data.get(f) for f in self._meta.fields}
        for text in ("reporter_name", "reporter_phone", "risk_note", "summary"):
            data[text] = data[text] or ""
        return services.case_open(actor=self.actor, **data)

    def _post_clean(self):
        # No model validation: the service checks everything, with the messages our users read.
        self.add_refusals()


class CaseChangeForm(RefusalsFormMixin, forms.ModelForm):
    """The case's descriptive fields, plus a status step that services.case_change_status
    takes (the status itself is never edited)."""

    actor = None
    default_renderer = QUICK_RENDERER
    service_fields = {"closure_reason": "close_reason", "closed_on": "status_on"}
    new_status = forms.ChoiceField(label=_("change status to"), required=False)
    status_note = forms.CharField(
        label=_("note on the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    close_reason = forms.ChoiceField(
        label=_("closure reason"),
        required=False,
        choices=[("", "---------"), *ClosureReason.choices],
    )
    status_on = ThaiDateField(
        label=_("closing date"),
        required=False,
        widget=AdminThaiDateWidget,
        help_text=_("When closing: the day the case closed (today if empty)."),
    )

    class Meta:
        model = Case
        fields = ["intake_channel", "reporter_type", "reporter_anonymous", "reporter_name",
                  "reporter_phone", "problems", "risk_flags", "risk_note", "urgency",
                  "summary"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.CASE_TRANSITIONS[self.instance.status]
        self.fields["new_status"].choices = [("", _("(no change)"))] + [
            (s.value, s.label) for s in CaseStatus if s in allowed
        ]

    def clean_reporter_phone(self):
        return normalise_phone(self.cleaned_data.get("reporter_phone", ""))

    def change_status(self, case=None):
        data = self.cleaned_data
        return services.case_change_status(
            actor=self.actor,
            case=case or self.instance,
            to_status=data["new_status"],
            note=data.get("status_note", ""),
            closure_reason=data.get("close_reason", ""),
            on=data.get("status_on"),
        )

    def update(self, case=None):
        """Write the corrected fields through services.case_update (the event keeps the old
        values)."""
        fields = services.CASE_DETAIL_FIELDS
        changes = {f: self.cleaned_data.get(f) for f in self.changed_data if f in fields}
        if not changes:
            return case or self.instance
        return services.case_update(actor=self.actor, case=case or self.instance, **changes)

    # The inlines whose new rows are dated work on the case (see _adds_dated_work).
    DATED_INLINES = (("visits", "visited_on"), ("assistance", "given_on"),
                     ("referrals", "referred_on"))  # fmt: skip

    def _adds_dated_work(self) -> bool:
        """This submit also records a new visit, assistance or referral (an inline row with
        its date filled in)."""
        for prefix, date_field in self.DATED_INLINES:
            try:
                first_new = int(self.data.get(f"{prefix}-INITIAL_FORMS") or 0)
                total = min(int(self.data.get(f"{prefix}-TOTAL_FORMS") or 0), first_new + 1000)
            except ValueError:
                continue  # the formset itself reports a tampered management form
            if any(self.data.get(f"{prefix}-{n}-{date_field}", "").strip()
                   for n in range(first_new, total)):  # fmt: skip
                return True
        return False

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("new_status") == CaseStatus.CLOSED and self._adds_dated_work():
            # Checked here, with the form, because the close runs after the new rows are saved
            # and could then only fail as a server error.
            self.add_error(
                "new_status",
                _("Save the new visits, assistance and referrals first, then close the case."),
            )
            return cleaned
        # The corrections and the status step are checked by their services, on save.
        self.add_refusals()
        return cleaned


@admin.register(Case)
class CaseAdmin(
    ServiceSaveAdminMixin,
    CasesListAdminMixin,
    UndeletableAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["number", "person_name", "centre", "status", "urgency", "problem_list",
                    "opened_on", "overdue"]  # fmt: skip
    list_select_related = ["person", "centre"]
    list_filter = [CentreListFilter, DistrictListFilter, ProvinceListFilter, "status", "urgency",
                   ProblemListFilter, FiscalYearListFilter]  # fmt: skip
    search_fields = ["number", "person__first_name", "person__last_name"]
    search_help_text = _("Case number, the person's name (any part) or national ID.")
    autocomplete_fields = ["centre", "person"]
    inlines = [CaseAssignmentInline, VisitInline, AssistanceInline, ConsentInline,
               ReferralInline, CaseEventInline]  # fmt: skip
    readonly_fields = ["number", "centre", "person_link", "status", "opened_on", "closed_on",
                       "closure_reason", "created_by", "created_at"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).with_next_follow_up()

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CaseChangeForm if obj is not None else CaseAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return acting_form(form, request)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CaseAddForm._meta.fields})]
        return [
            (None, {"fields": ["number", "centre", "person_link", "opened_on", "status",
                               "closed_on", "closure_reason"]}),
            (_("Change status"), {"fields": ["new_status", "close_reason", "status_on",
                                             "status_note"]}),
            (_("Intake"), {"fields": ["intake_channel", "reporter_type", "reporter_anonymous",
                                      "reporter_name", "reporter_phone"]}),
            (_("Problem"), {"fields": ["problems", "risk_flags", "risk_note", "urgency",
                                       "summary"]}),
            (_("Record"), {"fields": ["created_by", "created_at"]}),
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(
        description=pgettext_lazy("person helped", "person"), ordering="person__first_name"
    )
    def person_name(self, obj):
        return obj.person.display_name

    @admin.display(description=pgettext_lazy("person helped", "person"))
    def person_link(self, obj):
        url = reverse("admin:cases_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a>', url, obj.person.display_name)

    @admin.display(description=_("problems"))
    def problem_list(self, obj):
        return ", ".join(obj.problem_labels())

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if digits := national_id_in(term):
            return queryset.filter(person__national_id=digits), False
        if number := case_number_in(term):
            return queryset.filter(case_number_q(number)), False
        words = term.split()
        # Every word in the person's names; a single word may also be part of the number.
        number_part = words[0] if len(words) == 1 else None
        return cases_matching(queryset, number_part, person_name_q(words)), False

    def save_form(self, request, form, change):
        if not change:
            # A new case has no inlines: its one service, and the save stops if it refused.
            save = service_save(request)
            case = save.run(form, form.open)
            save.check()
            return case
        return form.save(commit=False)

    def save_model(self, request, obj, form, change):
        if change:
            # The service re-reads the row, writes what changed and records what it replaced.
            service_save(request).run(form, form.update)

    def save_related(self, request, form, formsets, change):
        save = service_save(request)
        if change:
            form.save_m2m()
        for formset in formsets:
            if getattr(formset, "service_inline", False):
                save_service_formset(formset, save)
            else:
                self.save_formset(request, form, formset, change)
        # The status step comes last, after the visits and help recorded in the same submit
        # (recorded while the case is still open).
        if change and form.cleaned_data.get("new_status"):
            save.run(form, form.change_status)
        save.check()


# ---------------------------------------------------------------------------------------------
# Referral status and consent withdrawal
# ---------------------------------------------------------------------------------------------


class ReferralStatusAdminForm(RefusalsFormMixin, forms.ModelForm):
    actor = None
    service_fields = {"on": "status_on", "outcome": "new_outcome"}
    new_status = forms.ChoiceField(label=_("change status to"), required=False)
    status_on = ThaiDateField(
        label=_("date"), required=False, widget=AdminThaiDateWidget,
        help_text=_("Today if empty."),
    )  # fmt: skip
    new_outcome = forms.CharField(
        label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status_note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Referral
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = services.REFERRAL_TRANSITIONS[self.instance.status]
        self.fields["new_status"].choices = [("", _("(no change)"))] + [
            (s.value, s.label) for s in ReferralStatus if s in allowed
        ]

    def change_status(self):
        data = self.cleaned_data
        return services.referral_update_status(
            actor=self.actor,
            referral=self.instance,
            to_status=data["new_status"],
            on=data.get("status_on"),
            outcome=data.get("new_outcome", ""),
            note=data.get("status_note", ""),
        )

    def clean(self):
        cleaned = super().clean()
        # The status step is checked by its service, on save (ReferralAdmin.save_model).
        self.add_refusals()
        return cleaned


@admin.register(Referral)
class ReferralAdmin(
    ServiceSaveAdminMixin,
    CaseChildListAdminMixin,
    UndeletableAdminMixin,
    ScopedAdminMixin,
    ThaiDatesAdminMixin,
    admin.ModelAdmin,
):
    form = ReferralStatusAdminForm
    list_display = ["case", "agency", "referred_on", "status", "answered_on", "finished_on"]
    list_select_related = ["case", "agency"]
    list_filter = ["status", "basis", "agency__type"]
    search_fields = ["case__number", "agency__name_th"]
    readonly_fields = ["case", "agency", "referred_on", "reason", "basis", "consent",
                       "basis_note", "status", "answered_on", "finished_on", "outcome",
                       "recorded_by", "recorded_at"]  # fmt: skip
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Change status"), {"fields": ["new_status", "status_on", "new_outcome",
                                         "status_note"]}),
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # referrals are sent from their case

    def own_word_q(self, word):
        # The agencies are a short list, read first.
        agencies = list(Agency.objects.filter(name_th__icontains=word).values_list("pk"))
        return Q(agency_id__in=[pk for (pk,) in agencies])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return acting_form(form, request)

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("new_status"):
            save = service_save(request)
            save.run(form, form.change_status)
            save.check()


@admin.register(Consent)
class ConsentAdmin(
    CaseChildListAdminMixin, UndeletableAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin,
    admin.ModelAdmin,
):  # fmt: skip
    list_display = ["case", "given_by", "guardian_name", "given_on", "withdrawn_on"]
    list_select_related = ["case"]
    list_filter = ["given_by"]
    search_fields = ["case__number", "guardian_name"]
    actions = ["withdraw"]
    readonly_fields = ["case", "given_by", "guardian_name", "guardian_relation", "purpose",
                       "given_on", "withdrawn_on", "recorded_by", "recorded_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False  # consent is recorded on its case

    def own_word_q(self, word):
        return Q(guardian_name__icontains=word)

    def has_change_permission(self, request, obj=None):
        # Read-only page; the withdraw action is a change, allowed to writers.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Withdraw the selected consents (today)"), permissions=["change"])
    def withdraw(self, request, queryset):
        # Only consents the user may change (the list also shows those of centres they only
        # read), all in one transaction: every selected consent is withdrawn, or none.
        writable = queryset.filter(
            pk__in=Consent.objects.writable_by(request.user).values("pk"),
            withdrawn_on__isnull=True,
        ).select_related("case")
        done = 0
        with transaction.atomic():
            for consent in writable:
                services.consent_withdraw(actor=request.user, consent=consent)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d consent withdrawn.", "%(count)d consents withdrawn.", done)
            % {"count": done},
        )


# ---------------------------------------------------------------------------------------------
# Transfers: the record of cases handed from one centre to another
# ---------------------------------------------------------------------------------------------


class TransferCentreListFilter(CentreListFilter):
    """A centre of the user's scope, at either end of the transfer."""

    title = _("sending or receiving centre")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        pk = self.centre_pk()  # an id (a link) or a code (typed)
        if pk is None:
            return queryset.none()
        return queryset.filter(Q(from_centre_id=pk) | Q(to_centre_id=pk))


@admin.register(CaseTransfer)
class CaseTransferAdmin(
    WrittenByServicesAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin
):
    """Transfers are asked for, answered and cancelled on the staff pages (cases.services);
    here they are read, by the users of either centre."""

    list_display = ["case", "from_centre", "to_centre", "status", "requested_at", "decided_at"]
    list_select_related = ["case", "from_centre", "to_centre"]
    list_filter = ["status", TransferCentreListFilter, "requested_at"]
    search_fields = ["case__number", "from_centre__code", "to_centre__code", "reason",
                     "decision_note"]  # fmt: skip
    search_help_text = _("Case number, a centre's code, or words of the reason or the answer.")
    fields = ["case", "from_centre", "to_centre", "status", "reason", "requested_by",
              "requested_at", "decided_by", "decided_at", "decision_note"]  # fmt: skip
