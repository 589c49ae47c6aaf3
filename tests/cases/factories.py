"""Factories for the cases app. Cases are opened through the service unless a test needs
many rows fast (``cases_bulk``), so that numbers and events are real."""

import datetime as dt

import factory

from cases.models import Agency, Case, CaseStatus, Person
from cases.services import case_number, case_open
from centres.models import Subdistrict
from tests import clock
from tests.factories import CentreFactory, national_id


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title = "นาง"
    first_name = factory.Sequence(lambda n: f"สมศรี{n}")
    last_name = "ยากลำบาก"
    national_id = factory.Sequence(lambda n: national_id(500_000 + n))
    birth_date = dt.date(1965, 7, 5)
    sex = "female"
    centre = factory.SubFactory(CentreFactory)
    subdistrict = factory.LazyFunction(lambda: Subdistrict.objects.get(code="100502"))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name_th = factory.Sequence(lambda n: f"มูลนิธิทดสอบ {n}")
    type = Agency.Type.FOUNDATION


def open_case(actor, centre, person=None, **fields):
    """A case opened by the service, ten days ago unless told otherwise."""
    fields = {
        "intake_channel": "walk_in",
        "reporter_type": "self",
        "problems": ["poverty"],
        "opened_on": clock.today() - dt.timedelta(days=10),
        **fields,
    }
    person = person or PersonFactory(centre=centre)
    return case_open(actor=actor, centre=centre, person=person, **fields)


def cases_bulk(centre, count: int, *, fiscal_year: int = 2569, start: int = 1) -> list[Case]:
    """``count`` cases written directly (no events), for list and query-count tests."""
    persons = Person.objects.bulk_create(
        PersonFactory.build(centre=centre, first_name=f"บุคคล{centre.code}{start + i}")
        for i in range(count)
    )
    opened = clock.today() - dt.timedelta(days=30)
    return Case.objects.bulk_create(
        Case(
            centre=centre,
            person=person,
            fiscal_year=fiscal_year,
            sequence=start + i,
            number=case_number(centre, fiscal_year, start + i),
            intake_channel="hotline_1300",
            reporter_type="public",
            problems=["poverty", "housing"] if i % 2 else ["drugs"],
            urgency=["normal", "urgent", "most_urgent"][i % 3],
            status=CaseStatus.ASSESSING,
            opened_on=opened,
        )
        for i, person in enumerate(persons)
    )
