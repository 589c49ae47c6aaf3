"""What the demo's story and its other cases share: the demo persons' national IDs, the
agencies, volunteers and subdistricts they are written with, and the persons themselves."""

from __future__ import annotations

import datetime as dt

from stdnum.th import pin

from cases.models import Agency, CaseStatus, Person
from centres.models import Centre, Subdistrict
from volunteers.models import Registration

D = dt.date
S = CaseStatus


def _national_id(n: int) -> str:
    body = f"3{1000 + n:04d}{n:07d}"[:12]
    return body + pin.calc_check_digit(body)


def _agency(name_th: str, province: str | None = None) -> Agency | None:
    return Agency.objects.filter(name_th=name_th, province_id=province).first()


def _volunteers(centre: Centre, count: int = 2) -> list[int]:
    """The first active volunteers of the centre (none if the registry demo has none there)."""
    return list(
        Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE)
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)
        .distinct()[:count]
    )


def _subdistrict(district_code: str, name_th: str | None = None) -> Subdistrict | None:
    qs = Subdistrict.objects.filter(district_id=district_code)
    if name_th:
        qs = qs.filter(name_th=name_th)
    return qs.order_by("code").first()


def _person(centre: Centre, actor, **fields) -> tuple[Person, bool]:
    """The demo person at ``centre`` (created when missing); True when created now."""
    person = Person.objects.filter(
        centre=centre, first_name=fields["first_name"], last_name=fields["last_name"]
    ).first()
    if person is not None:
        return person, False
    return Person.objects.create(centre=centre, created_by=actor, **fields), True
