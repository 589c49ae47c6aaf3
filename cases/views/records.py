"""What is recorded on a case: visits, assistance, referrals, its status, its volunteers."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases.forms import (
    AssignForm,
    AssistanceForm,
    ReferralForm,
    ReferralStatusForm,
    StatusForm,
    VisitForm,
)
from cases.models import CaseStatus, LawfulBasis, Referral
from cases.services import (
    CASE_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    assistance_record,
    case_assign_volunteers,
    case_change_status,
    consent_record,
    referral_create,
    referral_update_status,
    visit_record,
)
from cases.views._common import CaseActionView, user_writes_case
from centres.views import user_can_write


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
        case_assign_volunteers(
            actor=self.request.user, case=self.case, volunteers=new, note=form.cleaned_data["note"]
        )
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
