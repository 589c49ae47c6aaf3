"""A PostgreSQL array of choices, edited as a set of checkboxes."""

from django import forms
from django.contrib.postgres.fields import ArrayField


class ChoiceArrayField(ArrayField):
    """``ArrayField(CharField(choices=...))`` whose form field is a multiple choice.

    Django's own ArrayField form field is a comma-separated text box, which lets people type
    values that are not among the choices; checkboxes name each choice in the user's language.
    """

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield, which would force its SimpleArrayField.
        return super(ArrayField, self).formfield(**defaults)
