"""Writing through the services: admin forms whose save runs cases.services, each once.

ServiceSaveAdminMixin keeps each service's refusal (ServiceSave) and rolls the whole save back
if any refused; the page is then shown again with the messages beside the fields
(RefusalsFormMixin). ``acting_form`` gives a form its actor, the user whose save it records.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cases.models import CaseStatus
from centres.admin import ScopedAdminMixin
from centres.forms import QUICK_RENDERER
from volunteer_centre.admin import ThaiDatesAdminMixin


class ServiceRefused(Exception):
    """A service refused part of an admin save. Raised out of the save's transaction, so that
    everything the save wrote is rolled back."""


class ServiceSave:
    """What the services refused during one admin save, by the prefix of the form whose input
    they refused (None for the page's main form)."""

    def __init__(self) -> None:
        self.refused: dict[str | None, list[ValidationError]] = {}

    def run(self, form: forms.BaseForm, call: Callable[[], object]) -> object | None:
        """``call()``, a service run for ``form``; its ValidationError is kept for the form
        (the service's own atomic block has undone what it wrote) and None returned."""
        try:
            return call()
        except ValidationError as error:
            self.refused.setdefault(form.prefix, []).append(error)
            return None

    def check(self) -> None:
        """After the save's last service: anything refused undoes the whole save."""
        if self.refused:
            raise ServiceRefused


def service_save(request) -> ServiceSave:
    """The refusals of the save of ``request`` (ServiceSaveAdminMixin sets them up)."""
    return request.__dict__.setdefault("_vc_service_save", ServiceSave())


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors next to the form's fields (the others at the top).

    ``form.service_fields`` maps a service's argument names to the form's field names where
    they differ.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renames = getattr(form, "service_fields", {})
    for name, errors in error.error_dict.items():
        field = renames.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


class RefusalsFormMixin:
    """A form of an admin page that ServiceSaveAdminMixin shows again after a refused save:
    the services' messages go beside the fields they name, and the form is then invalid, so
    the page is shown, not saved. ``refused`` is set on the form's class, per request."""

    refused: dict[str | None, list[ValidationError]] = {}

    def add_refusals(self) -> None:
        for error in self.refused.get(self.prefix, ()):
            add_service_error(self, error)


class ServiceSaveAdminMixin:
    """An admin whose save writes through the services, each run once.

    The forms check only their input. The save (save_form, save_model, save_related) runs the
    services for real, inside the transaction of Django's change view; each refusal is kept
    (ServiceSave.run) and the save goes on, so that one submit shows every message. If any
    service refused, ServiceRefused leaves the transaction, which rolls back everything the
    save wrote (no half-saved case, no event of a save that did not happen), and the page is
    built again from the same submit with the messages beside the fields: the forms are
    checked again, no service runs."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        save = request.__dict__["_vc_service_save"] = ServiceSave()
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused:
            request.__dict__["_vc_refused"] = save.refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def refusals(request) -> dict:
        """For the forms' classes: the refusals to show (none during a save)."""
        return {"refused": request.__dict__.get("_vc_refused", {})}


def acting_form(form: type, request, *, refusals: bool = True) -> type:
    """``form`` for this request: its ``actor`` (whom its save records) is the user, and with
    ``refusals`` it shows the services' refusals of the save (ServiceSaveAdminMixin)."""
    attrs = {"actor": request.user}
    if refusals:
        attrs.update(ServiceSaveAdminMixin.refusals(request))
    return type(form.__name__, (form,), attrs)


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
