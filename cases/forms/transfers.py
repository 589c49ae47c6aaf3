"""Transfers to another centre."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from volunteer_centre.thai import to_arabic_digits


class TransferForm(forms.Form):
    """The receiving centre is typed by its code (about a thousand centres: no list to scroll);
    the page's search finds the code by the centre's name."""

    to_centre = forms.CharField(
        label=_("receiving centre (code)"),
        max_length=20,
        help_text=_("The centre's code, such as TWT. Find it by the centre's name above."),
    )
    reason = forms.CharField(
        label=_("reason for the transfer"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["to_centre"].widget.attrs
        attrs.update(autocapitalize="characters", spellcheck="false")

    def clean_to_centre(self):
        code = to_arabic_digits(self.cleaned_data["to_centre"]).strip()
        centre = (
            Centre.objects.filter(code=code.upper()).first()
            or Centre.objects.filter(code__iexact=code).order_by("pk").first()
        )
        if centre is None:
            raise ValidationError(
                _("No centre has the code «%(code)s»: find the centre by its name above."),
                code="unknown_centre",
                params={"code": code},
            )
        return centre


class TransferAcceptForm(forms.Form):
    # The transfer page may show the three answers at once (to a ministry administrator):
    # prefixes keep their fields apart.
    prefix = "accept"

    note = forms.CharField(
        label=_("note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferDeclineForm(forms.Form):
    prefix = "decline"

    reason = forms.CharField(
        label=_("reason for declining"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferCancelForm(TransferAcceptForm):
    prefix = "cancel"
