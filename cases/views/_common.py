"""What the staff pages share: a case the user may write, and the page of a form that acts on
one case."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from cases.forms import NarrowedChoicesMixin, add_service_errors
from cases.models import Case
from centres.views import user_can_write


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
