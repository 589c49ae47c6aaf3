"""What the volunteer registry's admins share: their bases, the check of a save's rows against
each other, and the save of an inline's rows through the services.

A row a service saves (a volunteer, a registration, a centre role) is saved through
volunteer_centre.admin_services: each service runs once, a refusal (a rule the form could not
check, such as a chair's term taken meanwhile) is kept for its form, and the whole save is then
undone and the page shown again with the message beside the field, never a server error.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from centres.access import scope_for
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin
from volunteer_centre.admin_services import (
    RefusalsFormMixin,
    ServiceSave,
    ServiceSaveAdminMixin,
    acting_form,
)


class ScopedAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    """The bases every admin of this app shares."""


class ServiceRowForm(RefusalsFormMixin, forms.ModelForm):
    """The form of a row a service saves: checked as any model form (the model's rules), then
    shown with the services' refusals of a save that was undone (ServiceSaveAdminMixin)."""

    actor = None

    def _post_clean(self):
        super()._post_clean()
        self.add_refusals()


class ServiceAdmin(ServiceSaveAdminMixin, ScopedAdmin):
    """An admin whose object a service saves (``save_model``, through ``service_save``)."""

    form = ServiceRowForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        return acting_form(super().get_form(request, obj, change=change, **kwargs), request)


class _ScopedInline(ScopedAdminMixin, ThaiDatesAdminMixin):
    extra = 0

    def get_queryset(self, request):
        # A volunteer may be registered at centres the user reads but does not write (a chair
        # who also supervises a region): a writer's form holds only the rows they may change,
        # so nothing of the others can be deleted or must be re-chosen to save. Read-only users
        # see every row they may read.
        if scope_for(request.user).can_write:
            return super(ScopedAdminMixin, self).get_queryset(request).writable_by(request.user)
        return super().get_queryset(request)


class _ServiceRowsInline(_ScopedInline):
    """An inline whose rows services save (save_rows)."""

    form = ServiceRowForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = acting_form(formset.form, request)
        return formset


class _SiblingRowsFormSet(BaseInlineFormSet):
    """Refuses two rows of one save that together break a conditional rule of the database.

    Django compares the rows of a formset with each other on unconditional unique constraints
    only; each row alone passes the model's checks against the saved rows, and the pair would
    reach the database and fail there (a 500). ``clash(a, b)`` says whether two rows' cleaned
    data conflict; the later row gets ``message`` beside ``field``.
    """

    field = ""
    message = ""

    def clash(self, first: dict, second: dict) -> bool:
        raise NotImplementedError

    def clean(self):
        super().clean()
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if any(self.clash(earlier, data) for earlier in kept):
                form.add_error(self.field, self.message)
            else:
                kept.append(data)


def save_rows(formset, save, refusals: ServiceSave, *, page_form=None) -> None:
    """What ``formset.save()`` does, but each new or changed row is written by ``save(row,
    changed_fields)``, a service, rather than by ``row.save()``. A service's refusal is kept in
    ``refusals`` for the row's form; with ``page_form`` (the page's own object, saved with the
    row: a new volunteer with their first registration), what it says of that form's fields
    alone goes beside them."""
    rows = formset.save(commit=False)
    for row in formset.deleted_objects:
        row.delete()
    forms_of = {id(form.instance): form for form in formset.forms}
    changed = {id(row): fields for row, fields in formset.changed_objects}
    for row in rows:
        if row.pk is None:
            # Set again: on a new volunteer's page it was set before the volunteer was saved.
            setattr(row, formset.fk.name, formset.instance)
        form = forms_of[id(row)]
        try:
            save(row, changed.get(id(row), []))
        except ValidationError as error:
            for refused, part in _split(error, form, page_form):
                refusals.keep(refused, part)
    formset.save_m2m()


def _split(error: ValidationError, form, page_form):
    """``error`` as (form, part): the fields of ``page_form`` that ``form`` has not go to
    ``page_form``, the rest to ``form``."""
    if page_form is None or not hasattr(error, "error_dict"):
        return [(form, error)]
    theirs = {
        name: errors
        for name, errors in error.error_dict.items()
        if name in page_form.fields and name not in form.fields
    }
    ours = {name: errors for name, errors in error.error_dict.items() if name not in theirs}
    parts = [(page_form, ValidationError(theirs))] if theirs else []
    return parts + ([(form, ValidationError(ours))] if ours else [])
