"""No form field offers more than 100 options, on any page, to any role.

A list of a thousand centres, of a centre's hundreds of volunteers or of every person recorded
cannot be read on a telephone, and grows with the data: wherever such an open-ended set is
chosen from, the page has a search, an autocomplete, a typed code or a list narrowed by an
earlier choice (province → district → subdistrict) instead. Here there are more than 100 of
everything that is chosen (centres, volunteers with an active registration at centre A,
persons, households and events of A, agencies, organisations, accounts; the geography is the
real one, 928 districts and 7,436 subdistricts), and every admin page of every registered model
(inlines included) and every staff page of the URL patterns is read as each insider role of
the role matrix. A <select> with more than 100 <option>s, or a group of more than 100 check
boxes or radio buttons of one name, fails the test with its page and its name.

The pages come from the access matrix (admin_url_cases, STAFF): a new admin model or a new
staff URL pattern is covered here as soon as the matrix has it, which its own test requires.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Agency, Household, Person
from centres.models import Centre, District
from tests.factories import national_id
from tests.test_access_matrix import STAFF, records  # noqa: F401 - a fixture, asked by name
from tests.test_role_matrix import ROLES, _admin_cases, insiders  # noqa: F401 - the same
from volunteers.models import Event, Organisation, Registration, Volunteer

LIMIT = 100
MANY = LIMIT + 20


class OptionCounter(HTMLParser):
    """The options of every <select>, <datalist> and group of same-named check boxes or radio
    buttons of a page, by the field's name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.counts: Counter[str] = Counter()
        self._open: str | None = None
        self._anonymous = 0

    def _name(self, attrs: dict, tag: str) -> str:
        name = attrs.get("name") or attrs.get("id")
        if not name:
            self._anonymous += 1
            name = f"<{tag} #{self._anonymous}>"
        return f"{tag} {name}"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"select", "datalist"}:
            self._open = self._name(attrs, tag)
            self.counts[self._open] += 0
        elif tag == "option" and self._open:
            self.counts[self._open] += 1
        elif tag == "input" and attrs.get("type") in {"checkbox", "radio"} and attrs.get("name"):
            self.counts[f"{attrs['type']} {attrs['name']}"] += 1

    def handle_endtag(self, tag):
        if tag in {"select", "datalist"}:
            self._open = None


def long_fields(html: str) -> dict[str, int]:
    parser = OptionCounter()
    parser.feed(html)
    parser.close()
    return {name: n for name, n in parser.counts.items() if n > LIMIT}


@pytest.fixture
def crowd(centre_a):
    """More than 100 of everything a form could offer to choose, at or around centre A."""
    bangkok = District.objects.filter(province_id="10").order_by("code")
    districts = list(bangkok)
    centres = Centre.objects.bulk_create(
        Centre(
            code=f"M{n:03d}",
            level=Centre.Level.DISTRICT,
            parent=centre_a.parent,
            district=districts[n % len(districts)],
            province_id="10",
            name_th=f"ศูนย์ทดสอบ {n}",
        )
        for n in range(MANY)
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            national_id=national_id(500_000 + n),
            title="นาง",
            first_name=f"อาสา{n}",
            last_name="มากมาย",
            birth_date=dt.date(1980, 1, 1),
            sex="female",
        )
        for n in range(MANY)
    )
    Registration.objects.bulk_create(
        Registration(
            volunteer=v,
            centre=centre_a,
            programme="apm",
            number=f"{n + 5000}/2562",
            registered_on=dt.date(2019, 3, 11),
        )
        for n, v in enumerate(volunteers)
    )
    Person.objects.bulk_create(
        Person(first_name=f"บุคคล{n}", centre=centre_a, no_id_reason="unknown") for n in range(MANY)
    )
    Household.objects.bulk_create(
        Household(name=f"ครัวเรือน{n}", centre=centre_a) for n in range(MANY)
    )
    Agency.objects.bulk_create(
        Agency(name_th=f"หน่วยงาน{n}", type="foundation", province=None) for n in range(MANY)
    )
    Organisation.objects.bulk_create(
        Organisation(name=f"องค์กร{n}", kind="network") for n in range(MANY)
    )
    Event.objects.bulk_create(
        Event(kind="training", title=f"อบรม{n}", organiser=centre_a, starts_on=dt.date(2019, 6, 1))
        for n in range(MANY)
    )
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"many{n}", first_name=f"ผู้ใช้{n}") for n in range(MANY)
    )
    return {"centres": centres, "volunteers": volunteers}


def _long_fields_of(client, url) -> dict[str, int]:
    response = client.get(url)
    if response.status_code == 302 and "/login/" not in response["Location"]:
        response = client.get(response["Location"])
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    return long_fields(response.content.decode())


@pytest.mark.parametrize("role", ROLES)
def test_no_form_field_offers_more_than_100_options_to_any_role(client, request, crowd, role):
    found = request.getfixturevalue("records")
    client.force_login(request.getfixturevalue("insiders")[role])
    pages = [reverse(name, kwargs=kwargs) for name, kwargs, _label in _admin_cases(found)]
    pages += [
        reverse(name, kwargs=case.kwargs(found) if case.kwargs else {})
        for name, case in STAFF.items()
    ]
    long = [
        f"{url}: {field} has {count} options"
        for url in pages
        for field, count in _long_fields_of(client, url).items()
    ]
    assert not long, f"{role}:\n" + "\n".join(long)


def test_the_counter_sees_a_long_select_and_a_long_list_of_check_boxes():
    """The test above would pass vacuously if the parser missed the fields it looks for."""
    options = "".join(f'<option value="{n}">{n}</option>' for n in range(LIMIT + 1))
    boxes = "".join(f'<input type="checkbox" name="v" value="{n}">' for n in range(LIMIT + 1))
    html = (
        f'<form><select name="centre">{options}</select>{boxes}<select name="s">'
        f"{options[:40]}</select></form>"
    )
    assert long_fields(html) == {"select centre": LIMIT + 1, "checkbox v": LIMIT + 1}
