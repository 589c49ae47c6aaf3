"""Demo cases at the Bangkok centres, for bin/run. Never in production.

Deterministic and idempotent: the persons are fixed, the 2019 story keeps its own dates and
the other cases are dated relative to the day of loading in a fixed shape (see
``other_cases``); each case is written once (a person already recorded at its centre is taken
as "already loaded"), and everything goes through cases.services as a ministry administrator
would. The people are fictional; the first
story follows the 2019 opening of the Bang Khen centre (docs/domain.md): volunteers visited
a family in hardship, who were given a bicycle and consumer goods and referred, with their
consent, to the partners of the One Home team; the partners helped, a follow-up visit found the
family better off and the case closed in June 2019. The story's events are dated on its days.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.demo._common import D, S, _national_id, _person, _subdistrict, _volunteers
from cases.demo.others import _steps, other_cases
from cases.demo.story import _bang_khen_story
from cases.reference import agencies_load
from centres.models import Centre

__all__ = ["D", "S", "cases_demo_load", "other_cases"]


@transaction.atomic
def cases_demo_load() -> None:
    """Load the demo persons and cases once; running it again changes nothing."""
    agencies_load()
    actor = get_user_model().objects.get(username="admin")
    _bang_khen_story(actor)
    for code, person_fields, case_fields, steps in other_cases(timezone.localdate()):
        centre = Centre.objects.filter(code=code).first()
        if centre is None:
            continue
        fields = dict(person_fields)
        if "national_id" in fields:
            fields["national_id"] = _national_id(fields["national_id"])
        sub = _subdistrict(centre.district_id) if centre.district_id else None
        person, created = _person(centre, actor, subdistrict=sub, **fields)
        if not created:
            continue
        volunteers = _volunteers(centre)
        case = services.case_open(
            actor=actor, centre=centre, person=person, volunteers=volunteers, **case_fields
        )
        _steps(actor, case, steps, volunteers)
