"""Transfers to another centre."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from cases.forms import (
    TransferAcceptForm,
    TransferCancelForm,
    TransferDeclineForm,
    TransferForm,
    add_service_errors,
)
from cases.models import Case, CaseTransfer
from cases.services import (
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_decline,
    case_transfer_request,
)
from cases.views._common import _writable_case, user_writes_case
from centres.models import Centre
from centres.views import user_can_write
from volunteer_centre.thai import to_arabic_digits


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
        "outgoing_transfers": list(
            pending.sent_by(user).exclude(pk__in=pending.receivable_by(user).values("pk"))[:50]
        ),
    }


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
                transfer = case_transfer_request(
                    actor=request.user, case=self.case, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Transfer of %(number)s to %(centre)s requested: the case waits for "
                        "their answer."
                    )
                    % {"number": self.case.number, "centre": transfer.to_centre},
                )
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
