"""Opening a case (the intake): its number and its descriptive fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    IntakeChannel,
    Person,
    Problem,
    ReporterType,
    RiskFlag,
    Urgency,
)
from cases.services._checks import S, _choice, _choices, _day, _event, _invalid, _require_writer
from cases.services.assignments import _assign
from centres.models import Centre
from volunteer_centre.actors import recorded_actor
from volunteer_centre.identity import normalise_phone
from volunteers.models import Volunteer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _next_sequence(centre: Centre, fy: int) -> int:
    """Bump the centre's counter for the fiscal year and return the new value.

    The upsert takes the counter row's lock until the transaction ends, so a concurrent
    intake at the same centre waits here and then reads the incremented value: two cases
    can never share a number, and a rolled-back intake gives its number back.
    """
    table = CaseCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (centre_id, fiscal_year, last_sequence) VALUES (%s, %s, 1)
            ON CONFLICT (centre_id, fiscal_year)
            DO UPDATE SET last_sequence = {table}.last_sequence + 1
            RETURNING last_sequence
            """,  # noqa: S608 - the table name is ours, the values are bound parameters
            [centre.pk, fy],
        )
        # RETURNING gives the one row upserted.
        sequence: int = cursor.fetchone()[0]
        return sequence


def case_number(centre: Centre, fy: int, sequence: int) -> str:
    """BKN-2562-0001: centre code, fiscal year (BE), sequence in the year."""
    return f"{centre.code}-{fy}-{sequence:04d}"


# What describes a case and may be corrected after the intake (case_update); the number,
# centre, person, dates and status belong to the other services.
CASE_DETAIL_FIELDS = (
    "intake_channel",
    "reporter_type",
    "reporter_anonymous",
    "reporter_name",
    "reporter_phone",
    "problems",
    "risk_flags",
    "risk_note",
    "urgency",
    "summary",
)


class CaseDetails(TypedDict):
    """The descriptive fields of a case (``CASE_DETAIL_FIELDS``), checked and cleaned."""

    intake_channel: str
    reporter_type: str
    reporter_anonymous: bool
    reporter_name: str
    reporter_phone: str
    problems: list[str]
    risk_flags: list[str]
    risk_note: str
    urgency: str
    summary: str


class CaseDetailChanges(TypedDict, total=False):
    """The descriptive fields a correction (``case_update``) may give, as a form gives them."""

    intake_channel: str
    reporter_type: str
    reporter_anonymous: bool
    reporter_name: str
    reporter_phone: str
    problems: Iterable[str]
    risk_flags: Iterable[str]
    risk_note: str
    urgency: str
    summary: str


def _case_details(
    *,
    intake_channel: str,
    reporter_type: str,
    reporter_anonymous: bool,
    reporter_name: str,
    reporter_phone: str,
    problems: Iterable[str],
    risk_flags: Iterable[str],
    risk_note: str,
    urgency: str,
    summary: str,
) -> CaseDetails:
    """The descriptive fields of a case, checked and cleaned, for case_open and case_update.
    Raises one ValidationError naming every field that is wrong."""
    reporter_name, reporter_phone = (reporter_name or "").strip(), (reporter_phone or "").strip()
    risk_note = (risk_note or "").strip()
    errors: dict[str, StrOrPromise | list[str]] = {}
    problems = _choices(problems, Problem, "problems")
    if not problems:
        errors["problems"] = _("Choose at least one problem.")
    risk_flags = _choices(risk_flags, RiskFlag, "risk_flags")
    if RiskFlag.OTHER in risk_flags and not risk_note:
        errors["risk_note"] = _("Say what the other risk is.")
    if reporter_anonymous and (reporter_name or reporter_phone):
        errors["reporter_anonymous"] = _(
            "An anonymous reporter has no name or phone here: clear them or untick anonymous."
        )
    try:
        reporter_phone = normalise_phone(reporter_phone)
    except ValidationError as error:
        errors["reporter_phone"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "intake_channel": _choice(intake_channel, IntakeChannel, "intake_channel"),
        "reporter_type": _choice(reporter_type, ReporterType, "reporter_type"),
        "reporter_anonymous": bool(reporter_anonymous),
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "problems": problems,
        "risk_flags": risk_flags,
        "risk_note": risk_note,
        "urgency": _choice(urgency, Urgency, "urgency"),
        "summary": (summary or "").strip(),
    }


@transaction.atomic
def case_open(
    *,
    actor: User,
    centre: Centre,
    person: Person,
    intake_channel: str,
    reporter_type: str,
    problems: Iterable[str],
    opened_on: dt.date | None = None,
    urgency: str = Urgency.NORMAL,
    risk_flags: Iterable[str] = (),
    risk_note: str = "",
    reporter_anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    summary: str = "",
    volunteers: Iterable[Volunteer | int] = (),
    note: str = "",
) -> Case:
    """Open a case for ``person`` at ``centre`` and give it the next number of the centre's
    fiscal year (that of ``opened_on``), assigning ``volunteers`` if any."""
    from volunteer_centre.thai import fiscal_year

    _require_writer(actor, centre)
    if centre.status != Centre.Status.ACTIVE:
        raise _invalid("centre", _("This centre is closed."), "centre_closed")
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise _invalid("person", _("This person is not recorded at your centres."), "person_scope")
    details = _case_details(
        intake_channel=intake_channel,
        reporter_type=reporter_type,
        reporter_anonymous=reporter_anonymous,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        problems=problems,
        risk_flags=risk_flags,
        risk_note=risk_note,
        urgency=urgency,
        summary=summary,
    )
    opened_on = _day(opened_on, "opened_on")
    fy = fiscal_year(opened_on)
    case = Case(
        centre=centre,
        person=person,
        fiscal_year=fy,
        sequence=0,
        number="",
        **details,
        opened_on=opened_on,
        created_by=recorded_actor(actor),
    )
    case.sequence = _next_sequence(centre, fy)
    case.number = case_number(centre, fy, case.sequence)
    case.save()
    _event(case, actor, CaseEvent.Kind.OPENED, to_status=S.NEW, note=note)
    if volunteers:
        _assign(actor, case, volunteers)
    return case
