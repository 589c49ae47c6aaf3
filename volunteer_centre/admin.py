"""Admin pieces shared by every app."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.db import models
from django.utils.translation import gettext_lazy as _

from volunteer_centre.forms import ThaiDateField, ThaiDateInput
from volunteer_centre.thai import uses_buddhist_era

admin.site.site_header = _("Volunteer Centre")
admin.site.site_title = _("Volunteer Centre")
admin.site.index_title = _("Administration")


class AdminThaiDateWidget(ThaiDateInput, AdminDateWidget):
    """The admin's date input, showing and accepting Buddhist Era dates in Thai.

    In Thai the calendar and "Today" shortcuts are left off: Django's DateTimeShortcuts.js
    reads 11/03/2562 as the Gregorian year 2562 (the calendar opens five centuries ahead) and
    "Today" types a Gregorian date into a BE field. A text input with a BE example is what a
    Thai user meets; in English, where the years agree, the shortcuts stay.
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if uses_buddhist_era():
            # DateTimeShortcuts.js attaches itself to every input of class vDateField.
            classes = widget_attrs.get("class", "").split()
            widget_attrs["class"] = " ".join(c for c in classes if c != "vDateField")
            widget_attrs.setdefault("placeholder", "25/05/2560")
        else:
            widget_attrs.setdefault("placeholder", "25/05/2017")
        return context


class ThaiDatesAdminMixin:
    """Date fields in BE (25/05/2560) with Gregorian and Thai digits accepted too."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": AdminThaiDateWidget},
    }
