"""Home visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Visit
from cases.services._checks import (
    _active_volunteers,
    _day,
    _event,
    _invalid,
    _require_open,
    _require_writer,
)
from volunteer_centre.actors import recorded_actor
from volunteers.models import Volunteer


@transaction.atomic
def visit_record(
    *,
    actor: User,
    case: Case,
    visited_on: dt.date,
    findings: str,
    volunteers: Iterable[Volunteer | int] = (),
    next_follow_up_on: dt.date | None = None,
) -> Visit:
    """Record a home visit: not before the case opened, not in the future; the volunteers
    must be active at the case's centre."""
    _require_writer(actor, case.centre)
    _require_open(case)
    if not visited_on:
        raise _invalid("visited_on", _("Give the date of the visit."), "required")
    visited_on = _day(visited_on, "visited_on", case=case)
    if not (findings or "").strip():
        raise _invalid("findings", _("Write what the visit found."), "required")
    if next_follow_up_on and next_follow_up_on < visited_on:
        raise _invalid(
            "next_follow_up_on",
            _("The follow-up cannot be before the visit."),
            "follow_up_before_visit",
        )
    ids = _active_volunteers(case, volunteers)
    visit = Visit.objects.create(
        case=case,
        visited_on=visited_on,
        findings=findings.strip(),
        next_follow_up_on=next_follow_up_on,
        recorded_by=recorded_actor(actor),
    )
    visit.volunteers.set(ids)
    _event(case, actor, CaseEvent.Kind.VISIT, detail={"visit": visit.pk})
    return visit
