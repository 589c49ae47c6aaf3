"""The dashboards' filter form: fiscal year (BE), programme, problem."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.dashboards.queries import Filters
from cases.models import Problem
from volunteer_centre.ministry import FIRST_FISCAL_YEAR
from volunteer_centre.thai import BE_THRESHOLD, be_year, fiscal_year, whole_number
from volunteers.models import Programme


class FiscalYearField(forms.TypedChoiceField):
    """A BE fiscal year; a Gregorian year (2019) or Thai digits (๒๕๖๒) typed in the address
    are read as the same fiscal year."""

    def to_python(self, value):
        if str(value or "").strip() == "":
            return super().to_python("")
        year = whole_number(value, 4)
        if year is None:
            # Shown beside the field like any year out of range; the default year is used.
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(str(year if year >= BE_THRESHOLD else be_year(year)))


class DashboardFilterForm(forms.Form):
    fy = FiscalYearField(label=_("Fiscal year (B.E.)"), coerce=int, required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    problem = forms.ChoiceField(label=_("Problem"), required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_fy = fiscal_year(today or timezone.localdate())
        self.fields["fy"].choices = [
            (fy, _("FY %(year)s") % {"year": fy})
            for fy in range(self.current_fy, FIRST_FISCAL_YEAR - 1, -1)
        ]
        self.fields["fy"].error_messages["invalid_choice"] = _(
            "Choose a fiscal year between %(first)s and %(last)s (B.E.)."
        ) % {"first": FIRST_FISCAL_YEAR, "last": self.current_fy}
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
