"""Volunteers assigned to a case, and taken off it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseAssignment, CaseEvent
from cases.services._checks import (
    _active_volunteers,
    _event,
    _locked,
    _require_open,
    _require_writer,
)
from volunteer_centre.actors import recorded_actor
from volunteers.models import Volunteer


def _assign(
    actor: User,
    case: Case,
    volunteers: Iterable[Volunteer | int],
    on: dt.date | None = None,
    note: str = "",
) -> list[CaseAssignment]:
    ids = _active_volunteers(case, volunteers)
    already = set(case.assignments.values_list("volunteer_id", flat=True))
    new = [pk for pk in ids if pk not in already]
    if not new:
        return []
    rows = CaseAssignment.objects.bulk_create(
        [
            CaseAssignment(
                case=case,
                volunteer_id=pk,
                assigned_on=on or timezone.localdate(),
                assigned_by=recorded_actor(actor),
            )
            for pk in new
        ]
    )
    _event(
        case, actor, CaseEvent.Kind.ASSIGNED, note=(note or "").strip(), detail={"volunteers": new}
    )
    return rows


@transaction.atomic
def case_assign_volunteers(
    *, actor: User, case: Case, volunteers: Iterable[Volunteer | int], note: str = ""
) -> list[CaseAssignment]:
    """Assign volunteers to an open case. Each must hold an active registration at the case's
    centre; if one does not, nobody is assigned. Returns the new assignments."""
    _require_writer(actor, case.centre)
    _require_open(case)
    return _assign(actor, case, volunteers, note=note)


@transaction.atomic
def case_unassign_volunteers(
    *, actor: User, case: Case, volunteers: Iterable[Volunteer | int], note: str = ""
) -> int:
    """Take volunteers off a case; the event keeps who they were (ids and names as shown
    then). Under the case's lock, so that two people removing the same volunteer at once
    record one removal."""
    _require_writer(actor, case.centre)
    _locked(case)
    ids = [v if isinstance(v, int) else v.pk for v in volunteers]
    removed = list(
        case.assignments.filter(volunteer_id__in=ids)
        .select_related("volunteer")
        .order_by("volunteer__first_name", "volunteer_id")
    )
    if removed:
        case.assignments.filter(pk__in=[a.pk for a in removed]).delete()
        detail = {
            "volunteers": [a.volunteer_id for a in removed],
            "names": [a.volunteer.display_name for a in removed],
        }
        _event(case, actor, CaseEvent.Kind.UNASSIGNED, note=(note or "").strip(), detail=detail)
    return len(removed)
