"""A case's page, with its timeline, and a person's page."""

from django.views.generic import DetailView

from cases.models import Case, Person
from cases.views._common import user_writes_case
from cases.views.corrections import case_corrections_context, person_corrections_context
from cases.views.transfers import add_transfer_context
from centres.views import ScopedQuerysetMixin


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
