"""Valid form posts for the staff pages, which tests change one field at a time."""

import datetime as dt

from tests import clock
from tests.factories import national_id


def be(day: dt.date) -> str:
    """A date as a Thai user types it: dd/mm/yyyy in the Buddhist Era."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def intake_post(centre, **overrides):
    data = {
        "person_choice": "new",
        "person-title": "นาง",
        "person-first_name": "สมศรี",
        "person-last_name": "ยากลำบาก",
        "person-national_id": national_id(4242),
        "person-birth_date": "05/07/2508",
        "person-sex": "female",
        "person-province": "10",
        "person-district": "1005",
        "person-subdistrict": "100502",
        "person-current_same_as_registered": "on",
        "case-centre": centre.pk,
        "case-opened_on": be(clock.today()),
        "case-intake_channel": "field_visit",
        "case-reporter_type": "volunteer",
        "case-problems": ["poverty"],
        "case-urgency": "urgent",
        "case-summary": "ครอบครัวยากลำบาก",
    }
    data.update(overrides)
    return data


def registration_post(centre, **overrides):
    data = {
        "national_id": "",
        "title": "นาง",
        "first_name": "มาลี",
        "last_name": "ศรีสุข",
        "birth_date": "15/06/2523",
        "sex": "female",
        "phone": "081 234 5678",
        "province": "10",
        "district": "1005",
        "subdistrict": "100502",
        "reg-programme": "apm",
        "reg-centre": centre.pk,
        "reg-number": "9051/2562",
        "reg-registered_on": "11/03/2562",
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    """The errors shown beside the field posted as ``name`` ("person-national_id"), read from
    the form in the response's context that has that field. A check on the page's HTML for an
    error list would also pass on the errors at the top of a form."""
    from django import forms
    from django.test.utils import ContextList

    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                for field in value.fields:
                    if value.add_prefix(field) == name:
                        return list(value.errors.get(field, []))
    raise AssertionError(f"no form in the context has the field {name}")


def block(page: str, element_id: str) -> str:
    """The HTML of the element with ``id`` up to the end of its first closing tag's element:
    enough for the desk's cards and lists, which hold no nested element of their own kind."""
    start = page.index(f'id="{element_id}"')
    tag = page.rfind("<", 0, start)
    name = page[tag + 1 : start].split()[0]
    return page[start : page.index(f"</{name}>", start)]


def form_post(*forms_or_formsets) -> dict:
    """The POST a browser would send for unbound forms (and formsets) as they are shown: each
    field's initial value as typed (dates in BE), ticked boxes as "on"; for a correction page,
    a post that changes nothing, which tests then change one field at a time."""
    from django import forms as django_forms

    data: dict = {}

    def add(form):
        for bound in form:
            value, key = bound.value(), bound.html_name
            if isinstance(bound.field, django_forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, dt.date):
                data[key] = be(value)
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(v, "pk", v)) for v in value]
            elif value is None:
                data[key] = ""
            else:
                data[key] = str(getattr(value, "pk", value))

    for item in forms_or_formsets:
        if isinstance(item, django_forms.BaseFormSet):
            add(item.management_form)
            for form in item:
                add(form)
        else:
            add(item)
    return data
