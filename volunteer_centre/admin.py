"""Admin pieces shared by every app."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.db import models
from django.utils.translation import gettext_lazy as _

from volunteer_centre.forms import ThaiDateField, ThaiDateInput

admin.site.site_header = _("Volunteer Centre")
admin.site.site_title = _("Volunteer Centre")
admin.site.index_title = _("Administration")


class AdminThaiDateWidget(ThaiDateInput, AdminDateWidget):
    """The admin's date picker, showing and accepting Buddhist Era dates in Thai."""


class ThaiDatesAdminMixin:
    """Date fields in BE (25/05/2560) with Gregorian and Thai digits accepted too."""

    formfield_overrides = {
        models.DateField: {"form_class": ThaiDateField, "widget": AdminThaiDateWidget},
    }
