"""A case's status: its steps, closing and reopening.

Status path (docs/domain.md): new → assessing → assisting ↔ referred → monitoring → closed.
Both assisting and referred may move on to monitoring: most cases are helped without a
referral, and forcing one to reach monitoring would falsify the record. A closed case is
reopened to assessing, because whatever brought it back has to be looked at afresh before
help is given again.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Assistance, Case, CaseEvent, ClosureReason, Referral, Visit
from cases.services._checks import (
    S,
    _check_step,
    _choice,
    _day,
    _event,
    _invalid,
    _locked,
    _require_writer,
)

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSESSING}),
    S.ASSESSING: frozenset({S.ASSISTING}),
    S.ASSISTING: frozenset({S.REFERRED, S.MONITORING}),
    S.REFERRED: frozenset({S.ASSISTING, S.MONITORING}),
    S.MONITORING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.ASSESSING}),
}


def _check_closes_after_work(case: Case) -> None:
    """A case does not close before the last thing done on it: its latest visit, assistance
    or referral (sent, answered or finished). Such a date is a slip of the closing date."""
    dates = [
        d
        for rows in (
            Visit.objects.filter(case=case).values_list("visited_on"),
            Assistance.objects.filter(case=case).values_list("given_on"),
            Referral.objects.filter(case=case).values_list(
                "referred_on", "answered_on", "finished_on"
            ),
        )
        for row in rows
        for d in row
        if d is not None
    ]
    latest = max(dates, default=None)
    # case_change_status has just set the closing date.
    closed_on = cast(dt.date, case.closed_on)
    if latest is not None and closed_on < latest:
        raise _invalid(
            "closed_on",
            _(
                "The case cannot close before the last visit, assistance or referral "
                "recorded on it (%(day)s)."
            )
            % {"day": date_format(latest, "SHORT_DATE_FORMAT")},
            "closes_before_work",
        )


@transaction.atomic
def case_change_status(
    *,
    actor: User,
    case: Case,
    to_status: str,
    note: str = "",
    closure_reason: str = "",
    on: dt.date | None = None,
) -> Case:
    """Move ``case`` one step along the status path (see the module docstring).

    Closing needs a closure reason and takes ``on`` (default today) as the closing date;
    reopening clears them on the case, and the closing event keeps them.
    An illegal step raises ValidationError and changes nothing.
    """
    _require_writer(actor, case.centre)
    locked = _locked(case)
    from_status = locked.status
    _check_step(
        CASE_TRANSITIONS,
        S,
        from_status,
        to_status,
        _("A case cannot go from “%(from)s” to “%(to)s”. Allowed from “%(from)s”: %(next)s."),
    )
    detail: dict[str, str] = {}
    if to_status == S.CLOSED:
        if not closure_reason:
            raise _invalid(
                "closure_reason",
                _("Give the reason for closing the case."),
                "closure_reason_missing",
            )
        locked.closure_reason = _choice(closure_reason, ClosureReason, "closure_reason")
        locked.closed_on = _day(on, "closed_on", case=locked)
        _check_closes_after_work(locked)
        detail = {"closure_reason": locked.closure_reason, "closed_on": str(locked.closed_on)}
    elif from_status == S.CLOSED:
        detail = {"closure_reason": locked.closure_reason, "closed_on": str(locked.closed_on)}
        locked.closure_reason = ""
        locked.closed_on = None
    locked.status = to_status
    locked.save(update_fields=["status", "closed_on", "closure_reason"])
    _event(
        locked,
        actor,
        CaseEvent.Kind.STATUS,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail,
    )
    case.status, case.closed_on, case.closure_reason = (
        locked.status,
        locked.closed_on,
        locked.closure_reason,
    )
    return case
