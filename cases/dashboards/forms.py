"""The dashboards' filter form: fiscal year (BE), programme, problem."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.dashboards.queries import Filters
from cases.models import Problem
from volunteer_centre.forms import FiscalYearField
from volunteer_centre.thai import fiscal_year
from volunteers.models import Programme


class DashboardFilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    problem = forms.ChoiceField(label=_("Problem"), required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_fy = fiscal_year(today or timezone.localdate())
        # First, as the class's fields would be: the year before the programme and problem.
        self.fields = {
            "fy": FiscalYearField(
                label=_("Fiscal year (B.E.)"), last=self.current_fy, choices=True, required=False
            ),
            **self.fields,
        }
        self.fields["programme"].choices = [("", _("all programmes")), *Programme.choices]
        self.fields["problem"].choices = [("", _("all problems")), *Problem.choices]

    def filters(self) -> Filters:
        """The valid choices; a field typed wrong falls back to its default (the form shows
        the error beside it)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data, which leaves out the fields with errors
            data = self.cleaned_data
        return Filters(
            fiscal_year=data.get("fy") or self.current_fy,
            programme=data.get("programme") or "",
            problem=data.get("problem") or "",
        )
