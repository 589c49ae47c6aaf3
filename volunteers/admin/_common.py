"""What the volunteer registry's admins share: their bases, the check of a save's rows against
each other, and the save of an inline's rows through the services."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from centres.access import scope_for
from centres.admin import ScopedAdminMixin
from volunteer_centre.admin import ThaiDatesAdminMixin


class ScopedAdmin(ScopedAdminMixin, ThaiDatesAdminMixin, admin.ModelAdmin):
    """The bases every admin of this app shares."""


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


def save_rows(formset, save) -> None:
    """What ``formset.save()`` does, but each new or changed row is written by ``save(row,
    changed_fields)``, a service, rather than by ``row.save()``."""
    rows = formset.save(commit=False)
    for row in formset.deleted_objects:
        row.delete()
    changed = {id(row): fields for row, fields in formset.changed_objects}
    for row in rows:
        if row.pk is None:
            # Set again: on a new volunteer's page it was set before the volunteer was saved.
            setattr(row, formset.fk.name, formset.instance)
        save(row, changed.get(id(row), []))
    formset.save_m2m()
