"""Staff pages: the volunteers of the user's centres."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from centres.views import ScopedQuerysetMixin, WriterRequiredMixin, user_can_write
from volunteer_centre.admin import EstimatedCountPaginator
from volunteers import services
from volunteers.filters import VolunteerFilter
from volunteers.forms import RegistrationForm, RegistrationStatusForm, VolunteerForm
from volunteers.models import CentreRole, Registration, RegistrationStatusChange, Volunteer


def _visible_registrations(user):
    return Prefetch(
        "registrations",
        queryset=Registration.objects.visible_to(user).select_related("centre"),
        to_attr="visible_registrations",
    )


class VolunteerListView(ScopedQuerysetMixin, FilterView):
    model = Volunteer
    filterset_class = VolunteerFilter
    paginate_by = 25
    # The whole national list, and a filter that keeps most of it (every active อพม.), is
    # counted from PostgreSQL's estimate ("about"), as in the admin.
    paginator_class = EstimatedCountPaginator
    template_name = "volunteers/volunteer_list.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(_visible_registrations(self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_write=user_can_write(self.request.user), **kwargs)


class VolunteerDetailView(ScopedQuerysetMixin, DetailView):
    model = Volunteer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("subdistrict__district__province")
            .with_training_hours()
            .prefetch_related(
                _visible_registrations(self.request.user),
                # Offices at centres outside the user's scope are not theirs to see.
                Prefetch(
                    "centre_roles",
                    queryset=CentreRole.objects.visible_to(self.request.user).select_related(
                        "centre"
                    ),
                    to_attr="visible_roles",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        registrations = Registration.objects.filter(volunteer=self.object)
        return super().get_context_data(
            # The status buttons only where the user may change the registration: not for a
            # supervisor, nor at a centre a chair only reads as a supervisor.
            writable_registrations=set(
                registrations.writable_by(user).values_list("pk", flat=True)
            ),
            status_changes=RegistrationStatusChange.objects.visible_to(user)
            .filter(registration__volunteer=self.object)
            .select_related("registration__centre", "actor")
            .order_by("-on", "-at", "-pk"),
            **kwargs,
        )


class VolunteerCreateView(WriterRequiredMixin, View):
    """Register a new volunteer and their first registration at one of the user's centres."""

    template_name = "volunteers/volunteer_form.html"

    def get(self, request):
        return self._render(VolunteerForm(), RegistrationForm(user=request.user))

    def post(self, request):
        volunteer_form = VolunteerForm(request.POST)
        registration_form = RegistrationForm(request.POST, user=request.user)
        registration_form.instance.volunteer = volunteer_form.instance
        volunteer_ok = volunteer_form.is_valid()
        # The registration's own checks (age at registration) need the volunteer's birth date.
        registration_form.instance.volunteer = volunteer_form.instance
        if not (volunteer_ok and registration_form.is_valid()):
            return self._render(volunteer_form, registration_form, status=400)
        try:
            volunteer = services.volunteer_register(
                actor=request.user,
                volunteer=volunteer_form.instance,
                registration=registration_form.instance,
            )
        except ValidationError as error:
            # Checked by the forms already: only what changed since (a number taken meanwhile).
            _add_service_errors(error, volunteer_form, registration_form)
            return self._render(volunteer_form, registration_form, status=400)
        messages.success(request, _("Volunteer %(name)s registered.") % {"name": volunteer})
        return redirect("volunteers:volunteer-detail", pk=volunteer.pk)

    def _render(self, volunteer_form, registration_form, status=200):
        context = {"form": volunteer_form, "registration_form": registration_form}
        return render(self.request, self.template_name, context, status=status)


class RegistrationStatusView(View):
    """Suspend, reinstate or end one registration, with the date and the reason.

    A registration outside the user's scope answers 404; a user who may not change it (a
    supervisor, or a chair at a centre they only read as a supervisor) gets 403."""

    change = ""
    title = ""
    template_name = "volunteers/registration_status_form.html"
    messages_done = {
        "suspend": gettext_lazy("Registration suspended."),
        "reinstate": gettext_lazy("Registration reinstated."),
        "end": gettext_lazy("Registration ended."),
    }

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_can_write(request.user):
            raise PermissionDenied
        registrations = Registration.objects.select_related("volunteer", "centre")
        self.registration = get_object_or_404(
            registrations.visible_to(request.user), pk=kwargs["pk"]
        )
        if not registrations.writable_by(request.user).filter(pk=self.registration.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        return RegistrationStatusForm(
            data, reason_required=self.change != "reinstate", initial={"on": timezone.localdate()}
        )

    def get(self, request, pk):
        return self._render(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            service = getattr(services, f"registration_{self.change}")
            try:
                service(actor=request.user, registration=self.registration, **form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(error, form)
            else:
                messages.success(request, self.messages_done[self.change])
                return redirect("volunteers:volunteer-detail", pk=self.registration.volunteer_id)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = {
            "form": form,
            "registration": self.registration,
            "title": self.title,
            "volunteer": self.registration.volunteer,
        }
        return render(self.request, self.template_name, context, status=status)


def _add_service_errors(error: ValidationError, form, *others) -> None:
    """A service's errors beside the fields they name, in the first of the forms that has the
    field; the others above the first form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        owner = next((f for f in (form, *others) if field in f.fields), None)
        if owner is None:
            form.add_error(None, errors)
        else:
            owner.add_error(field, errors)


class RegistrationSuspendView(RegistrationStatusView):
    change = "suspend"
    title = gettext_lazy("Suspend the registration")


class RegistrationReinstateView(RegistrationStatusView):
    change = "reinstate"
    title = gettext_lazy("Reinstate the registration")


class RegistrationEndView(RegistrationStatusView):
    change = "end"
    title = gettext_lazy("End the registration")
