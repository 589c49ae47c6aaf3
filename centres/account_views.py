"""Account pages for ministry administrators (new accounts with their assignment, an account's
name, email and volunteer record, password resets, deactivation and reactivation) and every
user's own password change."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from centres.access import scope_for
from centres.account_forms import (
    AccountCreateForm,
    AccountNameForm,
    AccountSearchForm,
    AccountVolunteerForm,
    add_service_errors,
)
from centres.auth import must_change_password
from centres.models import StaffAssignment
from centres.roles import current_q
from centres.services import (
    ACCOUNT_NAME_FIELDS,
    account_create,
    account_deactivate,
    account_manageable,
    account_password_changed,
    account_password_reset,
    account_reactivate,
    account_update,
    volunteer_link,
    volunteer_unlink,
)

User = get_user_model()

# The one-time password travels from the POST that made it to the page that shows it, once.
_SHOWN_ONCE = "centres.one_time_password"


def can_manage_accounts(user) -> bool:
    """A ministry administrator (or a superuser): the scope of all, with writing."""
    scope = scope_for(user)
    return scope.sees_all and scope.can_write


class MinistryRequiredMixin(LoginRequiredMixin):
    """Account pages: a ministry administrator's role and the permission to change users
    (the role's group gives it); anyone else gets 403, whatever the record."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            can_manage_accounts(request.user) and request.user.has_perm("auth.change_user")
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _with_current_assignments(queryset):
    current = StaffAssignment.objects.filter(current_q()).select_related(
        "centre", "province", "region"
    )
    return queryset.prefetch_related(
        Prefetch("staff_assignments", queryset=current, to_attr="current_assignments")
    )


class AccountListView(MinistryRequiredMixin, ListView):
    paginate_by = 25
    template_name = "accounts/account_list.html"
    context_object_name = "accounts"

    def get_queryset(self):
        self.search = AccountSearchForm(self.request.GET or None)
        users = User.objects.order_by("username")
        if self.search.is_valid() and (text := self.search.cleaned_data["q"].strip()):
            at_centre = StaffAssignment.objects.filter(
                user=OuterRef("pk"), centre__code__iexact=text
            )
            users = users.filter(
                Q(username__icontains=text)
                | Q(first_name__icontains=text)
                | Q(last_name__icontains=text)
                | Q(email__icontains=text)
                | Exists(at_centre)
            )
        return _with_current_assignments(users)

    def get_context_data(self, **kwargs):
        return super().get_context_data(search=self.search, **kwargs)


class AccountCreateView(MinistryRequiredMixin, View):
    """A chair's, staff member's or supervisor's login with its staff assignment, in one form
    and one transaction; the one-time password is shown on the next page."""

    template_name = "accounts/account_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AccountCreateForm(actor=request.user)})

    def post(self, request):
        form = AccountCreateForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                user, password = account_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session[_SHOWN_ONCE] = {"user": user.pk, "password": password}
                return redirect("centres:account-credentials", pk=user.pk)
        return render(request, self.template_name, {"form": form}, status=400)


def has_current_assignment(user) -> bool:
    return StaffAssignment.objects.filter(current_q(), user=user).exists()


class AccountDetailView(MinistryRequiredMixin, DetailView):
    template_name = "accounts/account_detail.html"
    context_object_name = "account_user"

    def get_queryset(self):
        return User.objects.select_related("account", "volunteer")

    def get_context_data(self, **kwargs):
        assignments = self.object.staff_assignments.select_related(
            "centre", "province", "region"
        ).order_by("-starts_on", "-pk")
        current = set(assignments.filter(current_q()).values_list("pk", flat=True))
        return super().get_context_data(
            assignments=[(a, a.pk in current) for a in assignments],
            has_current=bool(current),
            must_change=must_change_password(self.object),
            manageable=account_manageable(self.request.user, self.object),
            **kwargs,
        )


class _AccountFormView(MinistryRequiredMixin, View):
    """A form about one account (GET shows it, POST runs the service); a superuser's account
    is refused (403) to anyone but a superuser, as its other pages are."""

    template_name = "accounts/account_change_form.html"
    form_class = None

    def get_account_user(self, request, pk):
        account_user = get_object_or_404(User.objects.select_related("volunteer"), pk=pk)
        if not account_manageable(request.user, account_user):
            # Lazy: the 403 page shows a reason given as a lazy translation.
            raise PermissionDenied(
                gettext_lazy("Only a superuser may change a superuser's account.")
            )
        return account_user

    def initial(self, account_user) -> dict:
        return {}

    def render_form(self, request, account_user, form, status=200):
        context = {"account_user": account_user, "form": form, **self.texts()}
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        account_user = self.get_account_user(request, pk)
        form = self.form_class(initial=self.initial(account_user), actor=request.user)
        return self.render_form(request, account_user, form)

    def post(self, request, pk):
        account_user = self.get_account_user(request, pk)
        form = self.form_class(request.POST, actor=request.user)
        if form.is_valid():
            try:
                self.act(request, account_user, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("centres:account-detail", pk=account_user.pk)
        return self.render_form(request, account_user, form, status=400)

    def texts(self) -> dict:
        raise NotImplementedError

    def act(self, request, account_user, data) -> None:
        raise NotImplementedError


class AccountEditView(_AccountFormView):
    form_class = AccountNameForm

    def texts(self):
        return {"title": _("Name and email"), "submit": _("Save"), "submit_id": "save-account"}

    def initial(self, account_user):
        return {name: getattr(account_user, name) for name in ACCOUNT_NAME_FIELDS}

    def act(self, request, account_user, data):
        account_update(actor=request.user, user=account_user, **data)
        messages.success(request, _("The account's name and email are saved."))


class AccountVolunteerView(_AccountFormView):
    form_class = AccountVolunteerForm

    def texts(self):
        return {
            "title": _("Volunteer record"),
            "intro": _(
                "A chair or a staff member is often a volunteer of the centre too: link "
                "their account to their volunteer record."
            ),
            "submit": _("Save"),
            "submit_id": "save-volunteer",
        }

    def initial(self, account_user):
        # The linked volunteer as the field takes it: their national ID, or for someone
        # without one (a foreign volunteer) a registration number.
        volunteer = getattr(account_user, "volunteer", None)
        if volunteer is None:
            return {}
        if volunteer.national_id:
            return {"volunteer": volunteer.national_id}
        registration = volunteer.registrations.order_by("-registered_on").first()
        return {"volunteer": registration.number if registration else ""}

    def act(self, request, account_user, data):
        if data["volunteer"] is None:
            volunteer_unlink(actor=request.user, user=account_user)
            messages.success(request, _("The account is no longer linked to a volunteer record."))
        else:
            volunteer_link(actor=request.user, volunteer=data["volunteer"], user=account_user)
            messages.success(request, _("The account is linked to the volunteer record."))


@method_decorator(never_cache, name="dispatch")
class AccountCredentialsView(MinistryRequiredMixin, View):
    """Shows the one-time password of a new or reset account once; a reload shows it no more."""

    def get(self, request, pk):
        account_user = get_object_or_404(User, pk=pk)
        shown = request.session.get(_SHOWN_ONCE)
        password = None
        if shown and shown.get("user") == account_user.pk:
            password = shown["password"]
            del request.session[_SHOWN_ONCE]
        context = {
            "account_user": account_user,
            "password": password,
            "has_current": has_current_assignment(account_user),
        }
        return render(request, "accounts/account_credentials.html", context)


class _AccountActionView(MinistryRequiredMixin, View):
    """A confirmation page (GET) and the action (POST) on one account."""

    template_name = ""

    def get(self, request, pk):
        account_user = get_object_or_404(User, pk=pk)
        return render(request, self.template_name, {"account_user": account_user})

    def post(self, request, pk):
        account_user = get_object_or_404(User, pk=pk)
        try:
            return self.act(request, account_user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("centres:account-detail", pk=account_user.pk)

    def act(self, request, account_user):
        raise NotImplementedError


class AccountPasswordResetView(_AccountActionView):
    template_name = "accounts/account_password_reset.html"

    def act(self, request, account_user):
        password = account_password_reset(actor=request.user, user=account_user)
        request.session[_SHOWN_ONCE] = {"user": account_user.pk, "password": password}
        return redirect("centres:account-credentials", pk=account_user.pk)


class AccountDeactivateView(_AccountActionView):
    template_name = "accounts/account_deactivate.html"

    def act(self, request, account_user):
        account_deactivate(actor=request.user, user=account_user)
        messages.success(
            request, _("The account %(username)s is deactivated.") % {"username": account_user}
        )
        return redirect("centres:account-detail", pk=account_user.pk)


class AccountReactivateView(_AccountActionView):
    """A deactivated account opened again: a new one-time password, shown once, and no role
    until an administrator gives it an assignment (the next page says so)."""

    template_name = "accounts/account_reactivate.html"

    def act(self, request, account_user):
        password = account_reactivate(actor=request.user, user=account_user)
        request.session[_SHOWN_ONCE] = {"user": account_user.pk, "password": password}
        return redirect("centres:account-credentials", pk=account_user.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any user's own password, in the site's layout; clears the must-change flag."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("centres:password-change-done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            must_change=must_change_password(self.request.user), **kwargs
        )

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        account_password_changed(actor=self.request.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
