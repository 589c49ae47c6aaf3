"""Cases and what happens to them, written directly in any state (the services would walk
through the status path and stamp today's events), for the dashboard tests."""

import datetime as dt
from decimal import Decimal

import factory

from cases.models import Assistance, Case, Referral, Visit
from tests.cases.factories import AgencyFactory, PersonFactory
from tests.factories import CentreFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    centre = factory.SubFactory(CentreFactory)
    person = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..centre"))
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.centre.code}-{o.fiscal_year}-{o.sequence:05d}")
    fiscal_year = 2562
    intake_channel = "walk_in"
    reporter_type = "self"
    problems = factory.LazyFunction(lambda: ["poverty"])
    urgency = "normal"
    status = "new"
    opened_on = dt.date(2019, 3, 11)
    closed_on = factory.LazyAttribute(
        lambda o: o.opened_on + dt.timedelta(days=30) if o.status == "closed" else None
    )
    closure_reason = factory.LazyAttribute(lambda o: "resolved" if o.status == "closed" else "")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    visited_on = dt.date(2019, 3, 12)
    findings = "พบครอบครัว"


class AssistanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assistance

    case = factory.SubFactory(CaseFactory)
    kind = "money"
    amount = Decimal("3000.00")
    given_on = dt.date(2019, 3, 12)
    provider_centre = factory.SelfAttribute("case.centre")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(AgencyFactory)
    referred_on = dt.date(2019, 3, 13)
    reason = "ต้องการที่พักพิง"
    basis = "legal_duty"
    basis_note = "statute"
    status = "sent"
