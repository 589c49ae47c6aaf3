"""Numbers the volunteers admin reads from the address (an ordering column, a centre filter,
an organisation) are whole numbers of ASCII or Thai digits: "²", which str.isdigit() passes
and int() refuses, is ignored rather than a 500."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("admin:volunteers_volunteer_changelist", {"o": "²"}),
        ("admin:volunteers_volunteer_changelist", {"o": "-²5"}),
        ("admin:volunteers_volunteer_changelist", {"centre": "²"}),
        ("admin:volunteers_registration_changelist", {"centre": "²"}),
        ("admin:volunteers_membership_add", {"organisation": "²"}),
    ],
)
def test_an_odd_digit_in_the_address_is_not_a_500(client, ministry_admin, name, query):
    client.force_login(ministry_admin)
    assert client.get(reverse(name), query).status_code in (200, 302)


def test_a_centre_filter_in_thai_digits_filters_by_that_centre(client, ministry_admin, centre_a):
    from tests.factories import RegistrationFactory

    RegistrationFactory(centre=centre_a)
    client.force_login(ministry_admin)
    typed = str(centre_a.pk).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    url = reverse("admin:volunteers_registration_changelist")
    assert client.get(url, {"centre": typed}).status_code == 200
