import datetime as dt

import pytest

from cases.models import Agency, Person
from cases.services import case_open
from tests import clock


@pytest.fixture
def case_a(centre_a, chair_a):
    person = Person.objects.create(
        first_name="ผู้ประสบ", last_name="ปัญหา", centre=centre_a, no_id_reason="unknown"
    )
    return case_open(
        actor=chair_a,
        centre=centre_a,
        person=person,
        intake_channel="walk_in",
        reporter_type="self",
        problems=["poverty"],
        opened_on=clock.today() - dt.timedelta(days=10),
    )


@pytest.fixture
def agency(db):
    return Agency.objects.create(name_th="มูลนิธิทดสอบ", type="foundation")
