"""Writing through the services: admin forms whose save runs cases.services, each once.

The mechanism (ServiceSave, ServiceSaveAdminMixin, RefusalsFormMixin, acting_form) is the
project's, in volunteer_centre.admin_services; its names are re-exported here. What is the cases'
own: ServiceForm and ServiceInline, whose new rows a service writes, and the admins that never
delete.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from cases.models import CaseStatus
from centres.admin import ScopedAdminMixin
from centres.forms import QUICK_RENDERER
from volunteer_centre.admin import ThaiDatesAdminMixin
from volunteer_centre.admin_services import (
    RefusalsFormMixin,
    ServiceRefused,
    ServiceSave,
    ServiceSaveAdminMixin,
    acting_form,
    add_service_error,
    service_save,
)

__all__ = [
    "RefusalsFormMixin",
    "ServiceForm",
    "ServiceInline",
    "ServiceRefused",
    "ServiceSave",
    "ServiceSaveAdminMixin",
    "UndeletableAdminMixin",
    "acting_form",
    "add_service_error",
    "save_service_formset",
    "service_save",
]


class ServiceForm(RefusalsFormMixin, forms.ModelForm):
    """A ModelForm whose new rows are written by a service, never by ``save()``.

    Subclasses define ``run(actor, case)``. The model's own validation is skipped on purpose:
    the service checks everything, with the messages our users read.
    """

    actor = None

    def run(self, actor, case):
        raise NotImplementedError

    def _post_clean(self):
        self.add_refusals()


class UndeletableAdminMixin:
    """Cases, their events, visits, assistance, referrals and consents are the record of what
    was done for a person: never deleted here, by anyone. A consent is withdrawn, a referral
    revoked, a case closed. Without the delete permission the admin also drops the "delete
    selected" action and refuses the delete page."""

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceInline(
    UndeletableAdminMixin, ScopedAdminMixin, ThaiDatesAdminMixin, admin.TabularInline
):
    """Add-only: rows already recorded are shown read-only; new rows go through a service."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # Each row's title names its case.
        return super().get_queryset(request).select_related("case")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status != CaseStatus.CLOSED
            and super().has_add_permission(request, obj)
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = acting_form(formset.form, request)
        formset.service_inline = True
        # Inputs and selects written in Python (centres.forms.QuickRenderer), the same HTML.
        formset.renderer = QUICK_RENDERER
        return formset


def save_service_formset(formset, save: ServiceSave) -> None:
    """Each new row of ``formset`` through its service, once; refusals are kept in ``save``."""
    created = []
    for form in formset.extra_forms:
        if form.has_changed() and not form.cleaned_data.get("DELETE"):
            result = save.run(form, lambda form=form: form.run(form.actor, formset.instance))
            if result is not None:
                created += result if isinstance(result, list) else [result]
    # What the admin's change message reads from a formset it saved itself.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []
