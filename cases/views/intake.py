"""The intake: a case opened, for a person found among the user's records or new."""

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cases.forms import IntakeForm, PersonForm, add_service_errors
from cases.models import Person
from cases.search import person_name_order, persons_listed_for
from cases.services import case_open, person_possible_duplicates
from centres.views import WriterRequiredMixin
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits, whole_number


def _constraint(error: IntegrityError) -> str | None:
    """The name of the constraint the database reported, if any."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _person_search(user, text: str):
    text = to_arabic_digits((text or "").strip())[:100]
    if not text:
        return Person.objects.none()
    q = Q(first_name__icontains=text) | Q(last_name__icontains=text)
    with contextlib.suppress(ValidationError):
        q |= Q(national_id=normalise_national_id(text))
    # The same persons and order as visible_to(user).filter(q), in the forms a search of many
    # persons wants (cases.search). The twenty are found by their ids first: the matches of a
    # common name (20,000 persons) are sorted as narrow rows, and only the twenty shown are
    # read whole, with their centre.
    order = [*person_name_order(few_rows=True), "-pk"]  # namesakes in a stable order
    found = persons_listed_for(user).filter(q).order_by(*order)
    return (
        Person.objects.filter(pk__in=found.values("pk")[:20])
        .order_by(*order)
        .select_related("centre")
    )


class IntakeView(WriterRequiredMixin, View):
    """Open a case; the person is found among the user's records or created in the same flow.

    A new person who looks like one already recorded (same ID, or same name, birth date and
    district) brings the form back once with a warning and links to the look-alikes; the user
    then picks one of them or confirms that this is someone else. Nothing is saved until the
    whole intake is valid, and then the person and the case are saved together.
    """

    template_name = "cases/intake_form.html"

    def get(self, request):
        return self._render(PersonForm(), IntakeForm(user=request.user, search=request.GET))

    def post(self, request):
        confirmed_new = bool(request.POST.get("confirm_new_person"))
        intake_form = IntakeForm(request.POST, user=request.user, search=request.GET)
        choice = request.POST.get("person_choice", "new")
        existing = None
        if choice != "new":
            pk = whole_number(choice, 10)
            if pk is None:
                raise Http404
            existing = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
            # The person fields were not used: unbound, they show no "required" errors.
            person_form = PersonForm(user=request.user)
            person_ok = True
        else:
            person_form = PersonForm(request.POST, user=request.user, confirmed_new=confirmed_new)
            person_ok = person_form.is_valid()
        intake_ok = intake_form.is_valid()
        duplicates = []
        if existing is None and person_ok and not confirmed_new:
            data = person_form.cleaned_data
            sub = data.get("subdistrict") or data.get("current_subdistrict")
            duplicates = list(
                person_possible_duplicates(
                    user=request.user,
                    national_id=data.get("national_id"),
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                    birth_date=data.get("birth_date"),
                    district_code=sub.district_id if sub else None,
                )
            )
        if not (person_ok and intake_ok) or duplicates:
            return self._render(
                person_form,
                intake_form,
                duplicates=duplicates,
                same_id=person_form.same_id_person if existing is None else None,
                status=400,
            )
        case_data = dict(intake_form.cleaned_data)
        centre = case_data.pop("centre")
        try:
            with transaction.atomic():
                person = existing
                if person is None:
                    person = person_form.save(commit=False)
                    person.centre = centre
                    person.created_by = request.user
                    person.save()
                case = case_open(actor=request.user, centre=centre, person=person, **case_data)
        except ValidationError as error:
            add_service_errors(intake_form, error)
            return self._render(person_form, intake_form, status=400)
        except IntegrityError as error:
            # Someone saved a person with the same national ID between our check and this
            # save (two intakes at the same moment): the database's unique index refused it.
            if _constraint(error) != "person_unique_national_id":
                raise
            person_form.add_error(
                "national_id",
                ValidationError(
                    _(
                        "A person with this national ID was recorded a moment ago; find them "
                        "above and choose them."
                    ),
                    code="duplicate_national_id",
                ),
            )
            return self._render(person_form, intake_form, status=400)
        messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
        return redirect("cases:case-detail", pk=case.pk)

    def _render(self, person_form, intake_form, duplicates=(), same_id=None, status=200):
        query = self.request.GET.get("person_q", "")
        context = {
            "person_form": person_form,
            "form": intake_form,
            "duplicates": duplicates,
            "same_id": same_id,
            "person_q": query,
            "found": _person_search(self.request.user, query),
            "person_choice": self.request.POST.get("person_choice", "new"),
        }
        return render(self.request, self.template_name, context, status=status)
