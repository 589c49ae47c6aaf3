"""Rows recorded through the services keep who recorded them and when (RecordedModel)."""

import pytest
from django.utils import timezone

from cases import services
from tests import clock
from tests.cases.factories import AgencyFactory, open_case
from volunteer_centre.models import RecordedModel


def _visit(actor, case):
    return services.visit_record(actor=actor, case=case, visited_on=clock.today(), findings="พบตัว")


def _assistance(actor, case):
    return services.assistance_record(
        actor=actor, case=case, kind="money", amount=500, given_on=clock.today()
    )


def _consent(actor, case):
    return services.consent_record(actor=actor, case=case, given_by="self", purpose="ส่งต่อ")


def _referral(actor, case):
    return services.referral_create(
        actor=actor,
        case=case,
        agency=AgencyFactory(),
        reason="ต้องการที่พัก",
        basis="vital_interest",
        basis_note="อันตรายต่อชีวิต",
    )


@pytest.mark.parametrize("record", [_visit, _assistance, _consent, _referral])
def test_a_row_recorded_through_its_service_keeps_who_and_when(record, chair_a, centre_a):
    case = open_case(chair_a, centre_a)
    before = timezone.now()
    row = record(chair_a, case)
    after = timezone.now()

    assert isinstance(row, RecordedModel)
    row.refresh_from_db()
    assert row.recorded_by == chair_a
    assert before <= row.recorded_at <= after
