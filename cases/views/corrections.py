"""Staff pages for centre chairs and staff: their cases, on a phone."""

import contextlib
import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from cases.filters import CaseFilter
from cases.forms import (
    AssignForm,
    AssistanceForm,
    CaseEditForm,
    ConsentWithdrawForm,
    HouseholdForm,
    IntakeForm,
    MemberFormSet,
    NarrowedChoicesMixin,
    PersonEditForm,
    PersonForm,
    ReferralForm,
    ReferralStatusForm,
    StatusForm,
    TransferAcceptForm,
    TransferCancelForm,
    TransferDeclineForm,
    TransferForm,
    UnassignForm,
    VisitForm,
    add_service_errors,
)
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    CaseTransfer,
    Consent,
    DashboardTally,
    Household,
    HouseholdMember,
    LawfulBasis,
    Person,
    Referral,
    Urgency,
)
from cases.search import CasesPaginator, person_name_order, persons_listed_for
from cases.services import (
    CASE_TRANSITIONS,
    HOUSEHOLD_FIELDS,
    REFERRAL_TRANSITIONS,
    STALE_MESSAGE,
    assistance_record,
    case_assign_volunteers,
    case_change_status,
    case_open,
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_decline,
    case_transfer_request,
    case_unassign_volunteers,
    case_update,
    consent_record,
    consent_withdraw,
    household_correction_cases,
    household_update,
    household_version,
    person_correction_cases,
    person_corrections,
    person_possible_duplicates,
    person_update,
    person_version,
    referral_create,
    referral_update_status,
    visit_record,
)
from centres.access import scope_for
from centres.models import Centre
from centres.views import ScopedQuerysetMixin, WriterRequiredMixin, user_can_write
from volunteer_centre.identity import normalise_national_id
from volunteer_centre.thai import to_arabic_digits, whole_number


class CaseListView(ScopedQuerysetMixin, FilterView):
    model = Case
    filterset_class = CaseFilter
    paginate_by = 25
    # PostgreSQL's estimate ("about N") for a list it expects to be large (a ministry's million
    # cases, a common name nationwide), exact counts otherwise; a later page found by its keys.
    paginator_class = CasesPaginator
    template_name = "cases/case_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "centre").with_next_follow_up()

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_write=user_can_write(self.request.user), **kwargs)


class CaseDetailView(ScopedQuerysetMixin, DetailView):
    model = Case

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("person__subdistrict__district__province", "centre")
            .prefetch_related("volunteers")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timeline"] = self.object.timeline()
        # The record buttons of THIS case: a chair who also supervises a region reads the
        # region's cases but writes only at their own centre.
        context["can_write"] = user_writes_case(self.request.user, self.object)
        context.update(case_corrections_context(self.request.user, self.object))
        add_transfer_context(context, self.request.user, self.object)
        return context


class DeskView(ScopedQuerysetMixin, TemplateView):
    """The chair's home page: open cases by urgency, follow-ups due and overdue, activity."""

    model = Case
    template_name = "cases/desk.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        cases = self.get_queryset()
        open_cases = cases.open()
        # Open cases by urgency from the summary rows the triggers keep (cases.tallies), of
        # the same centres as the user's cases: a few rows a centre, not every open case.
        by_urgency = (
            DashboardTally.objects.visible_to(self.request.user)
            .filter(facet="", fiscal_year=0, figure__in=[f"urgency_{u}" for u in Urgency.values])
            .aggregate(
                **{
                    u.value: Coalesce(Sum("n", filter=Q(figure=f"urgency_{u.value}")), 0)
                    for u in Urgency
                }
            )
        )
        due = (
            open_cases.with_next_follow_up()
            .filter(next_follow_up_on__gte=today, next_follow_up_on__lte=week_end)
            .select_related("person")
            .order_by("next_follow_up_on")[:20]
        )
        overdue = open_cases.overdue(today).select_related("person").order_by("opened_on")[:20]
        recent = desk_recent_events(self.request.user)
        return super().get_context_data(
            urgency_counts=[(u.label, by_urgency[u.value], u.value) for u in Urgency],
            open_total=sum(by_urgency.values()),
            due=due,
            overdue=overdue,
            recent=recent,
            today=today,
            week_end=week_end,
            can_write=user_can_write(self.request.user),
            **desk_transfers(self.request.user),
            **kwargs,
        )


def desk_recent_events(user, limit: int = 15):
    """The latest events of the user's cases, newest first.

    A ministry administrator's are the newest of all (the index on ``at``). For a scope of a
    few centres, walking that index finds one event of theirs in a thousand; instead each of
    their cases gives its latest events from ``case_event_case_at`` alone (a LATERAL subquery)
    and the newest of those are kept: about 10 ms for a centre of 2,000 cases, not 300."""
    events = CaseEvent.objects.visible_to(user)
    if not scope_for(user).sees_all:
        cases = Case.objects.visible_to(user).order_by().values("id")
        sql, params = cases.query.sql_with_params()
        # The inner SQL is Django's own for the scoped cases; every value is a parameter.
        latest = RawSQL(  # noqa: S611
            f"SELECT x.id FROM ({sql}) c CROSS JOIN LATERAL (SELECT e.id, e.at "  # noqa: S608
            "FROM cases_caseevent e WHERE e.case_id = c.id ORDER BY e.at DESC LIMIT %s) x "
            "ORDER BY x.at DESC LIMIT %s",
            (*params, limit, limit),
        )
        events = events.filter(pk__in=latest)
    return events.select_related("case", "actor").order_by("-at")[:limit]


def _writable_case(request, pk) -> Case:
    """A case in the user's scope (404 otherwise) that the user may write (403 otherwise: a
    supervisor, or a case of a region the user only supervises)."""
    if not user_can_write(request.user):
        raise PermissionDenied
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("centre"), pk=pk)
    if not user_writes_case(request.user, case):
        raise PermissionDenied
    return case


def user_writes_case(user, case: Case) -> bool:
    """Whether ``user`` may write ``case`` (record on it, correct it): one query."""
    return Case.objects.writable_by(user).filter(pk=case.pk).exists()


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
                    _("A person with this national ID was recorded a moment ago; find them "
                      "above and choose them."),
                    code="duplicate_national_id",
                ),
            )  # fmt: skip
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


class CaseActionView(View):
    """A form on its own page that acts on one case through a service (mobile friendly)."""

    form_class = None
    title = ""
    template_name = "cases/case_action.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.case = _writable_case(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self):
        kwargs = {"case": self.case}
        if issubclass(self.form_class, NarrowedChoicesMixin):
            # The page's searches fill the lists too long to show whole.
            kwargs["search"] = self.request.GET
        return kwargs

    def get(self, request, pk):
        return self._render(self.form_class(**self.form_kwargs()))

    def post(self, request, pk):
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                with transaction.atomic():
                    message = self.act(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect("cases:case-detail", pk=self.case.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = {"form": form, "case": self.case, "title": self.title}
        return render(self.request, self.template_name, context, status=status)


class VisitCreateView(CaseActionView):
    form_class = VisitForm
    title = gettext_lazy("Record a home visit")

    def act(self, form):
        visit_record(actor=self.request.user, case=self.case, **form.cleaned_data)
        return _("Visit recorded.")


class AssistanceCreateView(CaseActionView):
    form_class = AssistanceForm
    title = gettext_lazy("Record assistance")

    def act(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("item_")}
        assistance_record(actor=self.request.user, case=self.case, items=form.items(), **data)
        return _("Assistance recorded.")


class ReferralCreateView(CaseActionView):
    form_class = ReferralForm
    title = gettext_lazy("Refer to a partner agency")

    def act(self, form):
        data = dict(form.cleaned_data)
        consent = data.pop("consent")
        given_by = data.pop("consent_given_by")
        guardian_name = data.pop("guardian_name")
        purpose = data.pop("consent_purpose")
        if data["basis"] == LawfulBasis.CONSENT and consent is None and given_by:
            consent = consent_record(
                actor=self.request.user,
                case=self.case,
                given_by=given_by,
                guardian_name=guardian_name,
                purpose=purpose or data["reason"],
                given_on=data["referred_on"],
            )
        referral_create(actor=self.request.user, case=self.case, consent=consent, **data)
        return _("Referral recorded.")


class StatusChangeView(CaseActionView):
    form_class = StatusForm
    title = gettext_lazy("Change the status")

    def form_kwargs(self):
        allowed = sorted(CASE_TRANSITIONS[self.case.status], key=list(CaseStatus.values).index)
        return {"case": self.case, "allowed": allowed}

    def act(self, form):
        case_change_status(actor=self.request.user, case=self.case, **form.cleaned_data)
        return _("Status changed.")


class AssignView(CaseActionView):
    form_class = AssignForm
    title = gettext_lazy("Assign volunteers")

    def act(self, form):
        assigned = set(self.case.volunteers.values_list("pk", flat=True))
        new = [v for v in form.cleaned_data["volunteers"] if v.pk not in assigned]
        case_assign_volunteers(actor=self.request.user, case=self.case, volunteers=new,
                               note=form.cleaned_data["note"])  # fmt: skip
        return _("Volunteers assigned.")


class ReferralStatusView(CaseActionView):
    form_class = ReferralStatusForm
    title = gettext_lazy("Update the referral")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_can_write(request.user):
            raise PermissionDenied
        self.referral = get_object_or_404(
            Referral.objects.visible_to(request.user).select_related("case__centre", "agency"),
            pk=kwargs["pk"],
        )
        self.case = self.referral.case
        if not user_writes_case(request.user, self.case):
            raise PermissionDenied
        return View.dispatch(self, request, *args, **kwargs)

    def form_kwargs(self):
        return {"allowed": sorted(REFERRAL_TRANSITIONS[self.referral.status])}

    def act(self, form):
        referral_update_status(actor=self.request.user, referral=self.referral, **form.cleaned_data)
        return _("Referral updated.")


class PersonDetailView(ScopedQuerysetMixin, DetailView):
    model = Person

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "subdistrict__district__province",
                "current_subdistrict__district__province",
                "centre",
            )
        )

    def get_context_data(self, **kwargs):
        cases = Case.objects.visible_to(self.request.user).filter(person=self.object)
        context = super().get_context_data(cases=cases, **kwargs)
        context.update(person_corrections_context(self.request.user, self.object))
        return context


# ---------------------------------------------------------------------------------------------
# Transfers to another centre
# ---------------------------------------------------------------------------------------------


def add_transfer_context(context: dict, user, case: Case) -> None:
    """For the case page: the pending transfer, if any, and the transfer controls the user
    may use. While a transfer is pending nothing can be recorded on the case, so the page
    offers no form that would be refused."""
    pending = (
        CaseTransfer.objects.pending()
        .filter(case=case)
        .select_related("to_centre", "requested_by")
        .first()
    )
    # The case page has just asked (its record buttons).
    writes_here = context.get("can_write")
    if writes_here is None:
        writes_here = user_writes_case(user, case)
    context["pending_transfer"] = pending
    context["can_transfer"] = writes_here and case.is_open and pending is None
    if pending is not None:
        context["can_write"] = False


def desk_transfers(user) -> dict:
    """The desk's transfers waiting for an answer: those to the user's centres (theirs to
    answer) and those from them. Two queries; none for a user who writes nowhere."""
    if not user_can_write(user):
        return {"incoming_transfers": [], "outgoing_transfers": []}
    related = ("case__person", "from_centre", "to_centre", "requested_by")
    pending = CaseTransfer.objects.pending().select_related(*related).order_by("requested_at")
    return {
        "incoming_transfers": list(pending.receivable_by(user)[:50]),
        "outgoing_transfers": list(pending.sent_by(user).exclude(
            pk__in=pending.receivable_by(user).values("pk"))[:50]),
    }  # fmt: skip


def _centre_search(text: str, case: Case):
    """Open centres other than the case's whose code is ``text`` or whose name contains it.

    Every open centre can be found, not only those of the user's scope: the names and codes
    of the centres are public, and the receiving centre is usually one the user does not
    work at."""
    text = to_arabic_digits((text or "").strip())[:100]
    if not text:
        return Centre.objects.none()
    return (
        Centre.objects.active()
        .exclude(pk=case.centre_id)
        .filter(Q(code__iexact=text) | Q(name_th__icontains=text) | Q(name_en__icontains=text))
        .select_related("district", "province")
        .order_by("name_th")[:20]
    )


class TransferRequestView(View):
    """Ask another centre to take a case over (writers of the case's centre only)."""

    template_name = "cases/transfer_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # A supervisor's region read beside a chair's centre: read, never transferred
        # (_writable_case answers 403 for a case the user does not write).
        self.case = _writable_case(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        initial = {"to_centre": to_arabic_digits(request.GET.get("to", ""))[:20]}
        return self._render(TransferForm(initial=initial))

    def post(self, request, pk):
        form = TransferForm(request.POST)
        if form.is_valid():
            try:
                transfer = case_transfer_request(actor=request.user, case=self.case,
                                                 **form.cleaned_data)  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Transfer of %(number)s to %(centre)s requested: the case waits for "
                      "their answer.") % {"number": self.case.number,
                                          "centre": transfer.to_centre},
                )  # fmt: skip
                return redirect("cases:case-detail", pk=self.case.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        query = self.request.GET.get("centre_q", "")
        context = {
            "form": form,
            "case": self.case,
            "centre_q": query,
            "centres_found": _centre_search(query, self.case),
        }
        return render(self.request, self.template_name, context, status=status)


def _transfers_seen_by(user):
    return CaseTransfer.objects.visible_to(user).select_related(
        "case__person__subdistrict__district__province",
        "case__centre",
        "from_centre",
        "to_centre",
        "requested_by",
        "decided_by",
    )


def render_transfer(request, transfer: CaseTransfer, status: int = 200, **forms):
    """The transfer page: what it is, and the answers the user may give.

    The person and the case are summarised for the receiving centre's writers while the
    transfer is pending (they need them to decide) and for whoever may read the case; the
    case's timeline stays with the centre that has the case."""
    user = request.user
    pending = transfer.is_pending
    this = CaseTransfer.objects.filter(pk=transfer.pk)
    can_decide = pending and this.receivable_by(user).exists()
    can_cancel = pending and this.sent_by(user).exists()
    case_visible = Case.objects.visible_to(user).filter(pk=transfer.case_id).exists()
    context = {
        "transfer": transfer,
        "case": transfer.case,
        "can_decide": can_decide,
        "can_cancel": can_cancel,
        "case_visible": case_visible,
        "show_summary": case_visible or can_decide,
        "accept_form": forms.get("accept_form") or TransferAcceptForm(),
        "decline_form": forms.get("decline_form") or TransferDeclineForm(),
        "cancel_form": forms.get("cancel_form") or TransferCancelForm(),
        "errors": forms.get("errors", []),
    }
    return render(request, "cases/transfer_detail.html", context, status=status)


class TransferDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_transfer(request, get_object_or_404(_transfers_seen_by(request.user), pk=pk))


class TransferAnswerView(View):
    """Accept, decline or cancel a transfer (POST). A transfer outside the user's scope answers
    404; one they see but may not give this answer to (a supervisor, the other end, a chair who
    reads it only as a supervisor) 403, as any form of a record one only reads; a GET leads to
    the transfer page."""

    form_class = None
    form_name = ""

    def answerable(self, user):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_can_write(request.user):
            raise PermissionDenied
        self.transfer = get_object_or_404(_transfers_seen_by(request.user), pk=kwargs["pk"])
        if not self.answerable(request.user).filter(pk=self.transfer.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return redirect("cases:transfer-detail", pk=pk)

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    return self.answer(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        return render_transfer(
            request,
            self.transfer,
            status=400,
            errors=form.non_field_errors(),
            **{self.form_name: form},
        )


class TransferAcceptView(TransferAnswerView):
    form_class = TransferAcceptForm
    form_name = "accept_form"

    def answerable(self, user):
        return CaseTransfer.objects.receivable_by(user)

    def answer(self, data):
        case_transfer_accept(actor=self.request.user, transfer=self.transfer, **data)
        messages.success(
            self.request,
            _("Case %(number)s is now at %(centre)s.")
            % {"number": self.transfer.case.number, "centre": self.transfer.to_centre},
        )
        return redirect("cases:case-detail", pk=self.transfer.case_id)


class TransferDeclineView(TransferAnswerView):
    form_class = TransferDeclineForm
    form_name = "decline_form"

    def answerable(self, user):
        return CaseTransfer.objects.receivable_by(user)

    def answer(self, data):
        case_transfer_decline(actor=self.request.user, transfer=self.transfer, **data)
        messages.success(self.request, _("Transfer declined: the case stays where it was."))
        return redirect("cases:transfer-detail", pk=self.transfer.pk)


class TransferCancelView(TransferAnswerView):
    form_class = TransferCancelForm
    form_name = "cancel_form"

    def answerable(self, user):
        return CaseTransfer.objects.sent_by(user)

    def answer(self, data):
        case_transfer_cancel(actor=self.request.user, transfer=self.transfer, **data)
        messages.success(self.request, _("Transfer cancelled."))
        return redirect("cases:case-detail", pk=self.transfer.case_id)


# ---------------------------------------------------------------------------------------------
# Corrections (issue 11): a person, a household and its members, a case's intake details, a
# consent's withdrawal, volunteers taken off a case. Each goes through its service, which keeps
# the replaced values on the timeline; only a user who writes at the record's centre gets the
# form (404 outside the user's scope, 403 for a record the user only reads).
# ---------------------------------------------------------------------------------------------


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
_IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "national_id", "subdistrict",
                    "current_subdistrict")  # fmt: skip


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
        return self._render(PersonEditForm(instance=self.object, user=request.user,
                                           initial=initial))  # fmt: skip

    def post(self, request, pk):
        person = self.object
        before = {f: getattr(person, f"{f}_id" if "subdistrict" in f else f)
                  for f in _IDENTITY_FIELDS}  # fmt: skip
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
            person_update(actor=request.user, person=person,
                          note=form.cleaned_data.get("correction_note", ""),
                          expected_version=form.cleaned_data.get("version") or None,
                          **data)  # fmt: skip
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
            household_update(actor=request.user, household=self.object, members=members.rows(),
                             note=note, expected_version=version, **data)  # fmt: skip
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
            case_update(actor=self.request.user, case=self.case, note=note,
                        expected_version=version, **data)  # fmt: skip
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
