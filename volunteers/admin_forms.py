"""Forms of the volunteer admin's import pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class VolunteerImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX, with the column names in the first row (Thai or English)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into smaller files."),
                params={"size": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload
