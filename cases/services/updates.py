"""Corrections of a case after the intake: its descriptive fields and its opening date."""

from __future__ import annotations

import datetime as dt
from typing import Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Assistance, Case, CaseEvent, Referral, Visit
from cases.services._checks import _day, _event, _invalid, _locked, _require_writer
from cases.services.corrections import _check_version, case_version
from cases.services.intake import CASE_DETAIL_FIELDS, CaseDetailChanges, _case_details


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    note: str = "",
    opened_on: dt.date | None = None,
    expected_version: str | None = None,
    **changes: Unpack[CaseDetailChanges],
) -> Case:
    """Correct the descriptive fields of ``case`` (``CASE_DETAIL_FIELDS``: channel, reporter,
    problems, risks, urgency, summary) with the checks of the intake, and its opening date
    (see ``_check_opening_correction``). The event keeps every value replaced, so the history
    still says what the case looked like before. Fields not given keep their values; a call
    that changes nothing records nothing. With ``expected_version`` (``case_version`` of the
    case the form was filled on), a case changed since is refused (see ``_check_version``)."""
    unknown = set(changes) - set(CASE_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"case_update cannot change {', '.join(sorted(unknown))}")
    _require_writer(actor, case.centre)
    locked = _locked(case)
    _check_version(expected_version, case_version(locked))
    given = {**{f: getattr(locked, f) for f in CASE_DETAIL_FIELDS}, **changes}
    # What the case's columns become: the checked fields, and the opening date below.
    details: dict[str, object] = {**_case_details(**given)}
    changed = {
        f: {"from": getattr(locked, f), "to": value}
        for f, value in details.items()
        if value != getattr(locked, f)
    }
    if opened_on is not None and opened_on != locked.opened_on:
        _check_opening_correction(locked, opened_on)
        # Dates are kept as ISO text: the event's JSON holds primitives only.
        changed["opened_on"] = {"from": str(locked.opened_on), "to": str(opened_on)}
        details["opened_on"] = opened_on
    if not changed:
        return case
    for field in changed:
        setattr(locked, field, details[field])
        setattr(case, field, details[field])
    locked.save(update_fields=list(changed))
    _event(locked, actor, CaseEvent.Kind.UPDATED, note=note, detail={"changed": changed})
    return case


def _check_opening_correction(case: Case, opened_on: dt.date) -> None:
    """A corrected opening date is a real day (not in the future, not before the ministry),
    in the fiscal year the case number names (the number is quoted on paper and is never
    given again), and not after anything recorded on the case."""
    from volunteer_centre.thai import fiscal_year

    _day(opened_on, "opened_on")
    if fiscal_year(opened_on) != case.fiscal_year:
        raise _invalid(
            "opened_on",
            _(
                "Case %(number)s belongs to the fiscal year %(fy)s: the opening date must fall "
                "within it (1 October to 30 September)."
            )
            % {"number": case.number, "fy": case.fiscal_year},
            "opening_in_another_fiscal_year",
        )
    dates = [
        d
        for rows in (
            Visit.objects.filter(case=case).values_list("visited_on"),
            Assistance.objects.filter(case=case).values_list("given_on"),
            Referral.objects.filter(case=case).values_list("referred_on"),
        )
        for (d,) in rows
    ]
    if case.closed_on:
        dates.append(case.closed_on)
    first = min(dates, default=None)
    if first is not None and opened_on > first:
        raise _invalid(
            "opened_on",
            _(
                "The case cannot open after the first visit, assistance, referral or closing "
                "recorded on it (%(day)s)."
            )
            % {"day": date_format(first, "SHORT_DATE_FORMAT")},
            "opens_after_work",
        )
