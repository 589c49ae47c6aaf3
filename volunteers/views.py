"""Staff pages: the volunteers of the user's centres."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from centres.views import ScopedQuerysetMixin, WriterRequiredMixin, user_can_write
from volunteers.filters import VolunteerFilter
from volunteers.forms import RegistrationForm, VolunteerForm
from volunteers.models import CentreRole, Registration, Volunteer


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
        with transaction.atomic():
            volunteer = volunteer_form.save()
            registration = registration_form.save(commit=False)
            registration.volunteer = volunteer
            registration.save()
        messages.success(request, _("Volunteer %(name)s registered.") % {"name": volunteer})
        return redirect("volunteers:volunteer-detail", pk=volunteer.pk)

    def _render(self, volunteer_form, registration_form, status=200):
        context = {"form": volunteer_form, "registration_form": registration_form}
        return render(self.request, self.template_name, context, status=status)
