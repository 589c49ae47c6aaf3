"""A service that refuses what the volunteer admin's form passed: the page again (never a 500),
the service's message beside the field, and nothing of that submit saved.

The form and the service check the same rules, so the service refuses what the form passed when
the database changes between the two: another user's chair term for the same centre, committed
while the save runs. The save's own writing of the volunteer (its post_save) is the moment: after
every form was checked, before the centre role's service runs.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse

from tests.factories import CentreRoleFactory, RegistrationFactory, VolunteerFactory
from tests.volunteers.test_admin import inline_errors, make_staff, rows, volunteer_form
from volunteers.admin._common import _split
from volunteers.models import CentreRole, Registration, Volunteer

OVERLAP = "chair_terms_overlap"  # the code of volunteers.rules.one_chair_at_a_time
RIVAL_STARTS = dt.date(2022, 1, 1)  # an open-ended term: it overlaps the one the chair adds
CHAIR_TERM = {"role": "chair", "starts_on": "01/01/2566"}  # 2023, B.E.


@contextmanager
def on_first_volunteer_save(write):
    """``write()`` when the save writes a volunteer, once: after the forms, before the rows."""
    done = []

    def receiver(sender, instance, **kwargs):
        if not done:
            done.append(instance)
            write()

    post_save.connect(receiver, sender=Volunteer, weak=False, dispatch_uid="refusal-race")
    try:
        yield done
    finally:
        post_save.disconnect(sender=Volunteer, dispatch_uid="refusal-race")


def committed_elsewhere(rival, centre):
    """Another user's chair term for ``rival`` at ``centre``, committed at once on a connection
    of its own, as a second admin's save would be."""

    def write():
        other = connection.copy()
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO volunteers_centrerole (volunteer_id, centre_id, role, starts_on)"
                    " VALUES (%s, %s, 'chair', %s)",
                    [rival.pk, centre.pk, RIVAL_STARTS],
                )
        finally:
            other.close()

    return write


def change_data(page):
    """What the change page ``page`` posts back unchanged: its form and its inlines' rows."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        for n, form in enumerate(formset.initial_forms):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value not in (None, ""):
                    data[f"{formset.prefix}-{n}-{name}"] = getattr(value, "pk", value)
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value not in (None, "", []):
            data[name] = getattr(value, "pk", value)
    return data


def refused_term(response):
    """The new chair term's row of the page shown again, and its messages beside the date."""
    assert response.status_code == 200
    [row] = [
        form
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "centre_roles"
        for form in inline.formset.forms
    ]
    assert row.has_error("starts_on", code=OVERLAP)
    return row.errors["starts_on"]


def saved():
    """What the registry holds: every volunteer's name, registrations and roles."""
    return (
        sorted(Volunteer.objects.values_list("pk", "first_name")),
        sorted(Registration.objects.values_list("pk", "volunteer_id", "number")),
        sorted(CentreRole.objects.values_list("pk", "volunteer_id", "starts_on")),
    )


@pytest.mark.django_db(transaction=True)
def test_a_chair_term_taken_while_the_page_is_saved_is_refused_and_nothing_is_saved(
    client, chair_a, centre_a
):
    """A real race: the rival's term is committed on another connection while the save runs.
    The page shown again checks its forms against it too; the message is shown once."""
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    rival = RegistrationFactory(centre=centre_a).volunteer
    client.force_login(make_staff(chair_a))
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    data = change_data(client.get(url))
    data |= {"first_name": "เปลี่ยนชื่อ"} | rows("centre_roles", CHAIR_TERM | {"centre": centre_a.pk})
    before = saved()

    with on_first_volunteer_save(committed_elsewhere(rival, centre_a)) as done:
        response = client.post(url, data)

    assert done  # the volunteer was written, then undone with the rest of the save
    [message] = refused_term(response)
    assert "ศูนย์นี้มีประธานอยู่แล้ว" in message
    assert not response.context["adminform"].form.errors
    # Nothing of the submit: the name as it was, no term for the volunteer. The rival's term,
    # committed by the other save, stays.
    rival_term = CentreRole.objects.get(volunteer=rival)
    assert saved() == (before[0], before[1], [(rival_term.pk, rival.pk, RIVAL_STARTS)])
    volunteer.refresh_from_db()
    assert volunteer.first_name != "เปลี่ยนชื่อ"


def test_a_new_volunteer_whose_chair_term_is_refused_is_not_saved_nor_their_registration(
    client, ministry_admin, centre_a
):
    """The rival's term is written on the save's own connection, so the rollback of the refused
    save takes it too: the page shown again finds no overlap itself, and the message beside the
    date is the service's, kept from the save (ServiceSave, RefusalsFormMixin)."""
    rival = VolunteerFactory()
    RegistrationFactory(volunteer=rival, centre=centre_a)
    client.force_login(make_staff(ministry_admin))
    data = volunteer_form(centre_a) | rows("centre_roles", CHAIR_TERM | {"centre": centre_a.pk})
    before = saved()

    def rival_term():
        CentreRoleFactory(volunteer=rival, centre=centre_a, starts_on=RIVAL_STARTS)

    with on_first_volunteer_save(rival_term) as done:
        response = client.post(reverse("admin:volunteers_volunteer_add"), data)

    assert done  # the new volunteer and their registration were written, then undone
    [message] = refused_term(response)
    assert "ศูนย์นี้มีประธานอยู่แล้ว" in message
    assert not response.context["adminform"].form.errors
    assert not any(inline_errors(response, "registrations"))
    assert saved() == before
    # The same submit saves once the centre has no other chair for those dates.
    response = client.post(reverse("admin:volunteers_volunteer_add"), data)
    assert response.status_code == 302, response.context["errors"]
    assert CentreRole.objects.get().starts_on == dt.date(2023, 1, 1)


def test_what_a_new_volunteers_service_says_of_the_volunteer_goes_beside_their_fields():
    """volunteer_register saves a new volunteer with their first registration, for the
    registration's row: its messages on the volunteer's fields go to the volunteer's form."""

    class VolunteerPart(forms.Form):
        national_id = forms.CharField()

    class RegistrationRow(forms.Form):
        number = forms.CharField()

    page, row = VolunteerPart(), RegistrationRow(prefix="registrations-0")
    error = ValidationError({"national_id": ["taken"], "number": ["bad"], "__all__": ["both"]})
    parts = {form: part.message_dict for form, part in _split(error, row, page)}
    assert parts == {
        page: {"national_id": ["taken"]},
        row: {"number": ["bad"], "__all__": ["both"]},
    }
    assert _split(error, row, None) == [(row, error)]
