"""Writing through the services from the admin: a save whose services each run once, and
that is undone whole when any of them refuses.

ServiceSaveAdminMixin keeps each service's refusal (ServiceSave) and rolls the whole save back
if any refused; the page is then shown again with the messages beside the fields
(RefusalsFormMixin). ``acting_form`` gives a form its actor, the user whose save it records.
The cases admin (cases.admin.writing) and the volunteer registry's admin save this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse

# The bases the type checker reads for the mixins below: an admin's, a form's.
if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _ModelAdminBase = ModelAdmin[Any]
    _FormBase = forms.BaseForm
else:
    _ModelAdminBase = object
    _FormBase = object

# What the services refused, by the prefix of the form whose input they refused (None for the
# page's main form).
Refusals = dict[str | None, list[ValidationError]]

_T = TypeVar("_T")
_Form = TypeVar("_Form", bound=forms.BaseForm)

_SAVE = "_vc_service_save"
_REFUSED = "_vc_refused"


class ServiceRefused(Exception):
    """A service refused part of an admin save. Raised out of the save's transaction, so that
    everything the save wrote is rolled back."""


class ServiceSave:
    """What the services refused during one admin save, by the prefix of the form whose input
    they refused (None for the page's main form)."""

    def __init__(self) -> None:
        self.refused: Refusals = {}

    def run(self, form: forms.BaseForm, call: Callable[[], _T]) -> _T | None:
        """``call()``, a service run for ``form``; its ValidationError is kept for the form
        (the service's own atomic block has undone what it wrote) and None returned."""
        try:
            return call()
        except ValidationError as error:
            self.keep(form, error)
            return None

    def keep(self, form: forms.BaseForm, error: ValidationError) -> None:
        """A service's refusal of ``form``'s input, to show beside its fields."""
        self.refused.setdefault(form.prefix, []).append(error)

    def check(self) -> None:
        """After the save's last service: anything refused undoes the whole save."""
        if self.refused:
            raise ServiceRefused


def service_save(request: HttpRequest) -> ServiceSave:
    """The refusals of the save of ``request`` (ServiceSaveAdminMixin sets them up)."""
    return cast(ServiceSave, request.__dict__.setdefault(_SAVE, ServiceSave()))


def _add_unseen(form: forms.BaseForm, field: str | None, errors: list[ValidationError]) -> None:
    """``errors`` on ``field`` (None: the top of the form), but those it already shows: a form
    that checks the rule itself finds, when the page is shown again, what a service refused
    during the save (a chair's term taken meanwhile)."""
    shown = set(form.errors.get(field or NON_FIELD_ERRORS, ()))
    unseen = [error for error in errors if not {str(m) for m in error} <= shown]
    if unseen:
        form.add_error(field, unseen)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors next to the form's fields (the others at the top).

    ``form.service_fields`` maps a service's argument names to the form's field names where
    they differ.
    """
    if not hasattr(error, "error_dict"):
        _add_unseen(form, None, error.error_list)
        return
    renames: dict[str, str] = getattr(form, "service_fields", {})
    for name, errors in error.error_dict.items():
        field = renames.get(name, name)
        _add_unseen(form, field if field in form.fields else None, errors)


class RefusalsFormMixin(_FormBase):
    """A form of an admin page that ServiceSaveAdminMixin shows again after a refused save:
    the services' messages go beside the fields they name, and the form is then invalid, so
    the page is shown, not saved. ``refused`` is set on the form's class, per request."""

    refused: ClassVar[Refusals] = {}

    def add_refusals(self) -> None:
        for error in self.refused.get(self.prefix, ()):
            add_service_error(self, error)


class ServiceSaveAdminMixin(_ModelAdminBase):
    """An admin whose save writes through the services, each run once.

    The forms check only their input. The save (save_form, save_model, save_related) runs the
    services for real, inside the transaction of Django's change view; each refusal is kept
    (ServiceSave.run) and the save goes on, so that one submit shows every message. If any
    service refused, ServiceRefused leaves the transaction, which rolls back everything the
    save wrote (no half-saved case, no event of a save that did not happen), and the page is
    built again from the same submit with the messages beside the fields: the forms are
    checked again, no service runs."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        save = request.__dict__[_SAVE] = ServiceSave()
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused:
            request.__dict__[_REFUSED] = save.refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def refusals(request: HttpRequest) -> dict[str, Refusals]:
        """For the forms' classes: the refusals to show (none during a save)."""
        refused: Refusals = request.__dict__.get(_REFUSED, {})
        return {"refused": refused}


def acting_form(form: type[_Form], request: HttpRequest, *, refusals: bool = True) -> type[_Form]:
    """``form`` for this request: its ``actor`` (whom its save records) is the user, and with
    ``refusals`` it shows the services' refusals of the save (ServiceSaveAdminMixin)."""
    attrs: dict[str, object] = {"actor": request.user}
    if refusals:
        attrs.update(ServiceSaveAdminMixin.refusals(request))
    return cast(type[_Form], type(form.__name__, (form,), attrs))
