"""Valid form posts for the staff pages, which tests change one field at a time."""

import datetime as dt

from django.utils import timezone

from tests.factories import national_id

TODAY = timezone.localdate()


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
        "case-opened_on": be(TODAY),
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
