"""Corrections (issue 11): a person, a household and its members, a case's intake details, a
consent's withdrawal, volunteers taken off a case. Each goes through its service, which keeps
the replaced values on the timeline; only a user who writes at the record's centre gets the
form (404 outside the user's scope, 403 for a record the user only reads)."""

import contextlib

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from cases.forms import (
    CaseEditForm,
    ConsentWithdrawForm,
    HouseholdForm,
    MemberFormSet,
    PersonEditForm,
    UnassignForm,
    add_service_errors,
)
from cases.models import Case, CaseEvent, Consent, Household, HouseholdMember, Person
from cases.services import (
    HOUSEHOLD_FIELDS,
    STALE_MESSAGE,
    case_unassign_volunteers,
    case_update,
    consent_withdraw,
    household_correction_cases,
    household_update,
    household_version,
    person_correction_cases,
    person_corrections,
    person_possible_duplicates,
    person_update,
    person_version,
)
from cases.views._common import CaseActionView
from centres.views import user_can_write
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits


def case_corrections_context(user, case: Case) -> dict:
    """The case page's consents (each with its withdraw link where the user writes)."""
    return {"consents": list(case.consents.order_by("given_on", "pk"))}


def person_corrections_context(user, person: Person) -> dict:
    """The person page's households, corrections and the edit links the user may follow."""
    writes = user_can_write(user) and Person.objects.writable_by(user).filter(pk=person.pk).exists()
    correctable = writes and bool(person_correction_cases(user, person))
    memberships = list(
        person.household_memberships.filter(
            household__in=Household.objects.visible_to(user)
        ).select_related("household")
    )
    households = [m.household for m in memberships]
    members = HouseholdMember.objects.filter(household__in=households).select_related("person")
    by_household: dict[int, list] = {}
    for member in members:
        by_household.setdefault(member.household_id, []).append(member)
    writable = set(
        Household.objects.writable_by(user)
        .filter(pk__in=[h.pk for h in households])
        .values_list("pk", flat=True)
    )
    return {
        "can_edit_person": correctable,
        "cannot_correct_here": writes and not correctable,
        "households": [
            (h, by_household.get(h.pk, []), correctable and h.pk in writable) for h in households
        ],
        "corrections": person_corrections(user, person),
    }


def _is_stale(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "stale"


def _writable_record(request, queryset, pk):
    """A record of ``queryset`` in the user's scope (404 otherwise) that the user may write
    (403 otherwise)."""
    if not user_can_write(request.user):
        raise PermissionDenied
    record = get_object_or_404(queryset.visible_to(request.user), pk=pk)
    if not queryset.model._default_manager.writable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return record


class CorrectionView(View):
    """A correction page of a record other than a case: login, then the scope (404), then
    the write rule (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.object = _writable_record(request, self.get_queryset(), kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


# The fields whose change can make a person look like someone else already recorded.
_IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "national_id",
    "subdistrict",
    "current_subdistrict",
)


class PersonEditView(CorrectionView):
    """Correct a person with the intake's form and checks. A correction that makes the person
    look like someone else recorded (same name, birth date and district) brings the form back
    once with the look-alikes linked; the user checks them and confirms. The change is kept on
    the timeline of each of the person's cases at the user's centres."""

    template_name = "cases/person_form.html"

    def get_queryset(self):
        return Person.objects.select_related(
            "subdistrict__district__province", "current_subdistrict__district__province", "centre"
        )

    def get(self, request, pk):
        initial = {"version": person_version(self.object)}
        return self._render(
            PersonEditForm(instance=self.object, user=request.user, initial=initial)
        )

    def post(self, request, pk):
        person = self.object
        before = {
            f: getattr(person, f"{f}_id" if "subdistrict" in f else f) for f in _IDENTITY_FIELDS
        }
        form = PersonEditForm(request.POST, instance=person, user=request.user)
        if not form.is_valid():
            return self._render(form, status=400)
        data = form.correction()
        after = {f: getattr(data.get(f), "pk", data.get(f)) for f in _IDENTITY_FIELDS}
        if after != before and not request.POST.get("confirm_look_alike"):
            sub = data.get("subdistrict") or data.get("current_subdistrict")
            duplicates = list(
                person_possible_duplicates(
                    user=request.user,
                    exclude_pk=person.pk,
                    national_id=data.get("national_id"),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    birth_date=data.get("birth_date"),
                    district_code=sub.district_id if sub else None,
                )[:10]
            )
            if duplicates:
                return self._render(form, duplicates=duplicates, status=400)
        try:
            person_update(
                actor=request.user,
                person=person,
                note=form.cleaned_data.get("correction_note", ""),
                expected_version=form.cleaned_data.get("version") or None,
                **data,
            )
        except ValidationError as error:
            if _is_stale(error):
                return self._stale(error)
            add_service_errors(form, error)
            return self._render(form, status=400)
        messages.success(request, _("The person's details are saved."))
        return redirect("cases:person-detail", pk=person.pk)

    def _stale(self, error):
        """Someone saved a correction meanwhile: the form again, on the record as it is."""
        messages.warning(self.request, error.messages[0])
        self.object = self.get_queryset().get(pk=self.object.pk)
        initial = {"version": person_version(self.object)}
        form = PersonEditForm(instance=self.object, user=self.request.user, initial=initial)
        return self._render(form, status=409)

    def _render(self, form, duplicates=(), status=200):
        context = {
            "person": self.object,
            "form": form,
            "duplicates": duplicates,
            "cases": person_correction_cases(self.request.user, self.object),
        }
        return render(self.request, self.template_name, context, status=status)


def _member_initial(member: HouseholdMember) -> dict:
    return {
        "id": member.pk,
        "person": member.person_id,
        "name": member.name,
        "relation": member.relation,
        "birth_date": member.birth_date,
        "occupation": member.occupation,
        "monthly_income": member.monthly_income,
    }


class HouseholdEditView(CorrectionView):
    """Correct a household and its member rows (add, change, remove). A member is a recorded
    person, chosen among the members and the persons the page's search finds, or only a name.
    The change is kept on the timelines of the cases of the household's persons."""

    template_name = "cases/household_form.html"

    def get_queryset(self):
        return Household.objects.select_related("centre")

    def setup_members(self):
        self.members = list(self.object.members.select_related("person").order_by("pk"))
        query = to_arabic_digits((self.request.GET.get("person_q") or "").strip())[:100]
        self.person_q = query
        found = []
        if query:
            q = Q(first_name__icontains=query) | Q(last_name__icontains=query)
            with contextlib.suppress(ValidationError):
                q |= Q(national_id=normalise_national_id(query))
            found = list(Person.objects.writable_by(self.request.user).filter(q)[:20])
        self.found = found
        choices = {m.person.pk: m.person for m in self.members if m.person_id}
        choices.update({p.pk: p for p in found})
        return {
            "user": self.request.user,
            "member_ids": {m.pk for m in self.members},
            "person_choices": list(choices.values()),
        }

    def get(self, request, pk):
        kwargs = self.setup_members()
        household = self.object
        initial = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
        form = HouseholdForm(initial={**initial, "version": household_version(household)})
        members = MemberFormSet(
            prefix="members",
            initial=[_member_initial(m) for m in self.members],
            form_kwargs=kwargs,
        )
        return self._render(form, members)

    def post(self, request, pk):
        kwargs = self.setup_members()
        form = HouseholdForm(request.POST)
        members = MemberFormSet(
            request.POST,
            prefix="members",
            initial=[_member_initial(m) for m in self.members],
            form_kwargs=kwargs,
        )
        if not (form.is_valid() and members.is_valid()):
            return self._render(form, members, status=400)
        data = dict(form.cleaned_data)
        note, version = data.pop("note"), data.pop("version") or None
        try:
            household_update(
                actor=request.user,
                household=self.object,
                members=members.rows(),
                note=note,
                expected_version=version,
                **data,
            )
        except ValidationError as error:
            if _is_stale(error):
                # Someone saved a correction meanwhile: the form again, on the household as
                # it is.
                messages.warning(request, error.messages[0])
                self.object = self.get_queryset().get(pk=self.object.pk)
                response = self.get(request, pk)
                response.status_code = 409
                return response
            add_service_errors(form, error)
            return self._render(form, members, status=400)
        messages.success(request, _("The household is saved."))
        person = next((m.person_id for m in self.object.members.all() if m.person_id), None)
        if (
            person is not None
            and Person.objects.visible_to(request.user).filter(pk=person).exists()
        ):
            return redirect("cases:person-detail", pk=person)
        return redirect("cases:household-edit", pk=self.object.pk)

    def _render(self, form, members, status=200):
        context = {
            "household": self.object,
            "form": form,
            "members": members,
            "person_q": self.person_q,
            "found": self.found,
            "cases": household_correction_cases(self.request.user, self.object),
        }
        return render(self.request, self.template_name, context, status=status)


class CaseEditView(CaseActionView):
    form_class = CaseEditForm
    title = gettext_lazy("Correct the case details")

    def act(self, form):
        data = dict(form.cleaned_data)
        note, version = data.pop("note"), data.pop("version") or None
        corrections = self.case.events.filter(kind=CaseEvent.Kind.UPDATED)
        before = corrections.count()
        try:
            case_update(
                actor=self.request.user, case=self.case, note=note, expected_version=version, **data
            )
        except ValidationError as error:
            self.stale = _is_stale(error)
            raise
        if corrections.count() == before:
            return _("Nothing was changed.")
        return _("The case details are saved.")

    def _render(self, form, status=200):
        if getattr(self, "stale", False):
            # Someone saved a correction meanwhile: the form again, on the case as it is.
            messages.warning(self.request, STALE_MESSAGE)
            self.case = Case.objects.select_related("centre").get(pk=self.case.pk)
            form, status = self.form_class(case=self.case), 409
        return super()._render(form, status)


class UnassignView(CaseActionView):
    form_class = UnassignForm
    title = gettext_lazy("Take volunteers off the case")

    def act(self, form):
        removed = case_unassign_volunteers(
            actor=self.request.user,
            case=self.case,
            volunteers=list(form.cleaned_data["volunteers"]),
            note=form.cleaned_data["note"],
        )
        return ngettext(
            "%(count)d volunteer taken off the case.",
            "%(count)d volunteers taken off the case.",
            removed,
        ) % {"count": removed}


class ConsentWithdrawView(CaseActionView):
    form_class = ConsentWithdrawForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.consent = _writable_record(
            request, Consent.objects.select_related("case__centre"), kwargs["pk"]
        )
        self.case = self.consent.case
        self.title = _("Withdraw the consent given on %(day)s") % {
            "day": date_format(self.consent.given_on, "SHORT_DATE_FORMAT")
        }
        return View.dispatch(self, request, *args, **kwargs)

    def get(self, request, pk):
        form = self.form_class(**self.form_kwargs())
        if self.consent.withdrawn_on is not None:
            form.add_error(
                None,
                _("This consent was already withdrawn on %(day)s.")
                % {"day": date_format(self.consent.withdrawn_on, "SHORT_DATE_FORMAT")},
            )
        return self._render(form)

    def act(self, form):
        consent_withdraw(actor=self.request.user, consent=self.consent, **form.cleaned_data)
        return _("Consent withdrawn.")
