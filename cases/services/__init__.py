"""Every write to a case that matters: opening, status changes, assignments, visits,
assistance, consent and referrals. Each runs in one transaction, checks that the actor may
write at the case's centre, refuses bad input with a ValidationError in the user's language
(keyed by form field where there is one) and appends a CaseEvent. Nothing is overwritten.

Status path (docs/domain.md): new → assessing → assisting ↔ referred → monitoring → closed.
Both assisting and referred may move on to monitoring: most cases are helped without a
referral, and forcing one to reach monitoring would falsify the record. A closed case is
reopened to assessing, because whatever brought it back has to be looked at afresh before
help is given again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import (
    MAX_ASSISTANCE_AMOUNT,
    MAX_ITEM_QUANTITY,
    Agency,
    Assistance,
    AssistanceItem,
    AssistanceKind,
    AssistanceProgramme,
    Case,
    CaseAssignment,
    CaseCounter,
    CaseEvent,
    CaseStatus,
    CaseTransfer,
    ClosureReason,
    Consent,
    ConsentGiver,
    Household,
    HouseholdMember,
    IntakeChannel,
    LawfulBasis,
    NoIdReason,
    Person,
    Problem,
    Referral,
    ReferralStatus,
    Relation,
    ReporterType,
    RiskFlag,
    TargetGroup,
    TransferStatus,
    Urgency,
    Visit,
)
from centres.access import scope_for
from centres.models import Centre, Subdistrict
from volunteer_centre.actors import recorded_actor
from volunteer_centre.identity import normalise_national_id, normalise_phone
from volunteer_centre.ministry import MINISTRY_FOUNDED
from volunteer_centre.thai import to_arabic_digits
from volunteers.models import Registration, Volunteer

S = CaseStatus

CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSESSING}),
    S.ASSESSING: frozenset({S.ASSISTING}),
    S.ASSISTING: frozenset({S.REFERRED, S.MONITORING}),
    S.REFERRED: frozenset({S.ASSISTING, S.MONITORING}),
    S.MONITORING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.ASSESSING}),
}

R = ReferralStatus

REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SENT: frozenset({R.ACCEPTED, R.REJECTED, R.REVOKED}),
    R.ACCEPTED: frozenset({R.DONE, R.REVOKED}),
    R.REJECTED: frozenset(),
    R.DONE: frozenset(),
    R.REVOKED: frozenset(),
}


# ---------------------------------------------------------------------------------------------
# Checks shared by the services
# ---------------------------------------------------------------------------------------------


def _invalid(field: str, message, code: str) -> ValidationError:
    """An error for one form field. ValidationError({field: message}, code=...) would drop
    the code, which callers and tests read."""
    return ValidationError({field: ValidationError(message, code=code)})


def _require_writer(actor, centre: Centre) -> None:
    """The actor writes at ``centre``: a chair or staff member of it (or a centre above it),
    or a ministry administrator. Supervisors read only."""
    scope = scope_for(actor)
    if scope.can_write and (
        scope.sees_all or Centre.objects.writable_by(actor).filter(pk=centre.pk).exists()
    ):
        return
    raise PermissionDenied(_("You may not change the cases of this centre."))


def _require_open(case: Case) -> None:
    if case.status == S.CLOSED:
        raise ValidationError(
            _("Case %(number)s is closed; reopen it first."),
            code="case_closed",
            params={"number": case.number},
        )


# No case is older than the ministry (MINISTRY_FOUNDED). An earlier date is a mistyped year,
# which the date fields accept (they read any year from 1 upwards).
EARLIEST_CASE_DATE = MINISTRY_FOUNDED


def _day(value: dt.date | None, field: str, *, case: Case | None = None) -> dt.date:
    """A date that is not in the future (nor before the case was opened, nor before the
    ministry existed)."""
    today = timezone.localdate()
    value = value or today
    if value > today:
        raise _invalid(field, _("This date is in the future."), "future_date")
    if case is not None and value < case.opened_on:
        raise _invalid(
            field,
            _("This date is before the case was opened (%(opened)s).")
            % {"opened": date_format(case.opened_on, "SHORT_DATE_FORMAT")},
            "before_opening",
        )
    if value < EARLIEST_CASE_DATE:
        raise _invalid(
            field,
            _("This date is before the ministry was founded (%(day)s): please check the year.")
            % {"day": date_format(EARLIEST_CASE_DATE, "SHORT_DATE_FORMAT")},
            "too_early",
        )
    return value


def _choices(values: Iterable[str], choices, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    valid = {c.value for c in choices}
    if any(v not in valid for v in values):
        raise _invalid(field, _("Choose from the list."), "invalid_choice")
    return values


def _choice(value: str, choices, field: str) -> str:
    return _choices([value], choices, field)[0]


def _active_volunteers(case: Case, volunteers: Iterable[Volunteer | int]) -> list[int]:
    """The ids of ``volunteers``, each of whom must be an active volunteer of the case's centre."""
    ids = list(dict.fromkeys(v if isinstance(v, int) else v.pk for v in volunteers))
    if not ids:
        return []
    active = set(
        Registration.objects.filter(
            centre_id=case.centre_id, status=Registration.Status.ACTIVE, volunteer_id__in=ids
        ).values_list("volunteer_id", flat=True)
    )
    strangers = [pk for pk in ids if pk not in active]
    if strangers:
        names = ", ".join(
            v.display_name for v in Volunteer.objects.filter(pk__in=strangers).order_by("pk")
        )
        raise _invalid(
            "volunteers",
            _(
                "%(names)s: not an active volunteer of %(centre)s. Only volunteers "
                "registered at the case's centre can work on it."
            )
            % {"names": names or strangers, "centre": case.centre},
            "volunteer_of_another_centre",
        )
    return ids


def _check_step(transitions, statuses, from_status: str, to_status: str, message) -> None:
    """Refuse a status change its path does not allow, naming the steps that are."""
    allowed = transitions.get(from_status, frozenset())
    if to_status in allowed:
        return
    raise ValidationError(
        message
        % {
            "from": statuses(from_status).label,
            "to": statuses(to_status).label if to_status in statuses.values else to_status,
            "next": ", ".join(str(s.label) for s in statuses if s in allowed)
            or pgettext_lazy("no next status", "none"),
        },
        code="illegal_transition",
    )


def _event(case: Case, actor, kind: str, **fields: Any) -> CaseEvent:
    # Every write to a case ends here: while a transfer is pending it is refused (see
    # "Transfers" at the end of this module), and the whole service rolls back.
    _refuse_while_in_transfer(case, kind)
    return CaseEvent.objects.create(case=case, kind=kind, actor=recorded_actor(actor), **fields)


def _locked(case: Case) -> Case:
    """Re-read ``case`` under a row lock, so two status changes cannot interleave."""
    return Case.objects.select_for_update().select_related("centre").get(pk=case.pk)


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


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
        return cursor.fetchone()[0]


def case_number(centre: Centre, fy: int, sequence: int) -> str:
    """BKN-2562-0001: centre code, fiscal year (BE), sequence in the year."""
    return f"{centre.code}-{fy}-{sequence:04d}"


# What describes a case and may be corrected after the intake (case_update); the number,
# centre, person, dates and status belong to the other services.
CASE_DETAIL_FIELDS = ("intake_channel", "reporter_type", "reporter_anonymous", "reporter_name",
                      "reporter_phone", "problems", "risk_flags", "risk_note", "urgency",
                      "summary")  # fmt: skip


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
) -> dict[str, Any]:
    """The descriptive fields of a case, checked and cleaned, for case_open and case_update.
    Raises one ValidationError naming every field that is wrong."""
    reporter_name, reporter_phone = (reporter_name or "").strip(), (reporter_phone or "").strip()
    risk_note = (risk_note or "").strip()
    errors: dict[str, Any] = {}
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
    actor,
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
    if latest is not None and case.closed_on < latest:
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
    actor,
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
    detail: dict[str, Any] = {}
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


@transaction.atomic
def case_update(
    *,
    actor,
    case: Case,
    note: str = "",
    opened_on: dt.date | None = None,
    expected_version: str | None = None,
    **changes: Any,
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
    details = _case_details(**{f: changes.get(f, getattr(locked, f)) for f in CASE_DETAIL_FIELDS})
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


def _assign(
    actor, case: Case, volunteers, on: dt.date | None = None, note: str = ""
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
    _event(case, actor, CaseEvent.Kind.ASSIGNED, note=(note or "").strip(),
           detail={"volunteers": new})  # fmt: skip
    return rows


@transaction.atomic
def case_assign_volunteers(
    *, actor, case: Case, volunteers: Iterable[Volunteer | int], note: str = ""
) -> list[CaseAssignment]:
    """Assign volunteers to an open case. Each must hold an active registration at the case's
    centre; if one does not, nobody is assigned. Returns the new assignments."""
    _require_writer(actor, case.centre)
    _require_open(case)
    return _assign(actor, case, volunteers, note=note)


@transaction.atomic
def case_unassign_volunteers(
    *, actor, case: Case, volunteers: Iterable[Volunteer | int], note: str = ""
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


# ---------------------------------------------------------------------------------------------
# Visits and assistance
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor,
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


def _amount(value) -> Decimal:
    not_a_number = _invalid("amount", _("Enter the amount in baht as a number."), "invalid")
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise not_a_number from None
    if not amount.is_finite():
        raise not_a_number
    if amount < 0:
        raise _invalid("amount", _("The amount cannot be negative."), "negative")
    if amount > MAX_ASSISTANCE_AMOUNT:
        message = _(
            "%(amount)s baht is more than any assistance (at most %(max)s baht): "
            "please check the number."
        ) % {"amount": f"{amount:,.2f}", "max": f"{MAX_ASSISTANCE_AMOUNT:,.0f}"}
        raise _invalid("amount", message, "absurd_amount")
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Item:
    """A line of goods given, for ``assistance_record(items=...)``."""

    name: str
    quantity: int = 1
    unit: str = ""


def _check_items(lines: list[Item]) -> None:
    """Every line named, with a quantity from 1 to MAX_ITEM_QUANTITY and texts that fit."""
    name_max = AssistanceItem._meta.get_field("name").max_length
    unit_max = AssistanceItem._meta.get_field("unit").max_length
    for line in lines:
        name = line.name.strip()
        if not name:
            raise _invalid("items", _("Every item needs a name."), "item_name")
        if len(name) > name_max:
            raise _invalid(
                "items",
                _("The name of an item has at most %(max)d characters: %(item)s…")
                % {"max": name_max, "item": name[:40]},
                "item_name_too_long",
            )
        if len(line.unit.strip()) > unit_max:
            raise _invalid(
                "items",
                _("The unit of %(item)s has at most %(max)d characters.")
                % {"item": name, "max": unit_max},
                "item_unit_too_long",
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_ITEM_QUANTITY:
            raise _invalid(
                "items",
                _("The quantity of %(item)s must be from 1 to %(max)s.")
                % {"item": name, "max": f"{MAX_ITEM_QUANTITY:,}"},
                "item_quantity",
            )


@transaction.atomic
def assistance_record(
    *,
    actor,
    case: Case,
    kind: str,
    given_on: dt.date,
    programme: str = "",
    amount: Decimal | int | str = 0,
    description: str = "",
    items: Iterable[Item | dict] = (),
    provider_agency: Agency | None = None,
    provider_centre: Centre | None = None,
) -> Assistance:
    """Record help given. Money needs an amount above zero; goods need items or a description.
    The provider is the agency named, else the given centre, else the case's centre."""
    _require_writer(actor, case.centre)
    _require_open(case)
    kind = _choice(kind, AssistanceKind, "kind")
    # Empty: not given under a programme (goods, help in kind, a grant whose programme nobody
    # knows); it is never counted under one.
    programme = _choice(programme, AssistanceProgramme, "programme") if programme else ""
    amount = _amount(amount)
    given_on = _day(given_on, "given_on", case=case)
    lines = [i if isinstance(i, Item) else Item(**i) for i in items]
    _check_items(lines)
    if provider_agency is not None and not provider_agency.active:
        raise _invalid("provider_agency", _("This agency is marked inactive."), "agency_inactive")
    if kind == AssistanceKind.MONEY and amount == 0:
        raise _invalid("amount", _("Give the amount of money in baht."), "money_without_amount")
    if kind == AssistanceKind.GOODS and not lines and not description.strip():
        raise _invalid("items", _("List the goods given, or describe them."), "goods_without_items")
    assistance = Assistance.objects.create(
        case=case,
        kind=kind,
        programme=programme,
        amount=amount,
        description=description.strip(),
        given_on=given_on,
        provider_agency=provider_agency,
        provider_centre=None if provider_agency else (provider_centre or case.centre),
        recorded_by=recorded_actor(actor),
    )
    AssistanceItem.objects.bulk_create(
        AssistanceItem(
            assistance=assistance, name=i.name.strip(), quantity=i.quantity, unit=i.unit.strip()
        )
        for i in lines
    )
    _event(case, actor, CaseEvent.Kind.ASSISTANCE, detail={"assistance": assistance.pk})
    return assistance


# ---------------------------------------------------------------------------------------------
# Consent and referrals
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    given_by: str,
    purpose: str,
    given_on: dt.date | None = None,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    """Record the consent of the person (or of a guardian, who must be named)."""
    _require_writer(actor, case.centre)
    given_by = _choice(given_by, ConsentGiver, "given_by")
    if given_by == ConsentGiver.GUARDIAN and not guardian_name.strip():
        raise _invalid("guardian_name", _("Give the guardian's name."), "guardian_name")
    if not (purpose or "").strip():
        raise _invalid("purpose", _("Say what the consent is for."), "purpose_missing")
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        guardian_name=guardian_name.strip() if given_by == ConsentGiver.GUARDIAN else "",
        guardian_relation=guardian_relation.strip() if given_by == ConsentGiver.GUARDIAN else "",
        purpose=purpose.strip(),
        given_on=_day(given_on, "given_on"),
        recorded_by=recorded_actor(actor),
    )
    _event(case, actor, CaseEvent.Kind.CONSENT, detail={"consent": consent.pk})
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor, consent: Consent, withdrawn_on: dt.date | None = None, note: str = ""
) -> Consent:
    """Mark a consent withdrawn. Referrals already sent stay on record; no new referral may
    rely on it."""
    case = consent.case
    _require_writer(actor, case.centre)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(
            _("This consent was already withdrawn on %(day)s.")
            % {"day": date_format(locked.withdrawn_on, "SHORT_DATE_FORMAT")},
            code="already_withdrawn",
        )
    withdrawn_on = _day(withdrawn_on, "withdrawn_on")
    if withdrawn_on < locked.given_on:
        raise _invalid(
            "withdrawn_on",
            _("Consent cannot be withdrawn before it was given."),
            "withdrawn_before_given",
        )
    locked.withdrawn_on = withdrawn_on
    locked.save(update_fields=["withdrawn_on"])
    consent.withdrawn_on = withdrawn_on
    detail = {
        "consent": locked.pk,
        "changed": {"withdrawn_on": {"from": None, "to": str(withdrawn_on)}},
    }
    _event(case, actor, CaseEvent.Kind.CONSENT_WITHDRAWN, note=(note or "").strip(),
           detail=detail)  # fmt: skip
    return consent


NO_BASIS_MESSAGE = _(
    "A referral shares the person's data: record the person's (or guardian's) consent first, "
    "or choose a lawful basis (vital interest or legal duty) and explain it."
)


@transaction.atomic
def referral_create(
    *,
    actor,
    case: Case,
    agency: Agency,
    reason: str,
    referred_on: dt.date | None = None,
    basis: str = LawfulBasis.CONSENT,
    consent: Consent | None = None,
    basis_note: str = "",
) -> Referral:
    """Refer the case to ``agency``. Needs a consent of the case that is not withdrawn (the
    latest one is used when none is named) or, for vital interest or a legal duty, a note on
    the basis. Without either it refuses and records nothing."""
    _require_writer(actor, case.centre)
    _require_open(case)
    basis = _choice(basis, LawfulBasis, "basis")
    referred_on = _day(referred_on, "referred_on", case=case)
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why the case is referred."), "required")
    if not agency.active:
        raise _invalid("agency", _("This agency is marked inactive."), "agency_inactive")
    if basis == LawfulBasis.CONSENT:
        usable = Consent.objects.filter(
            case=case, withdrawn_on__isnull=True, given_on__lte=referred_on
        )
        if consent is not None:
            consent = usable.filter(pk=consent.pk).first()
        else:
            consent = usable.order_by("-given_on", "-pk").first()
        if consent is None:
            raise _invalid("basis", NO_BASIS_MESSAGE, "no_consent")
        basis_note = basis_note.strip()
    else:
        consent = None
        if not basis_note.strip():
            raise _invalid("basis_note", NO_BASIS_MESSAGE, "no_basis_note")
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        referred_on=referred_on,
        reason=reason.strip(),
        basis=basis,
        consent=consent,
        basis_note=basis_note.strip(),
        recorded_by=recorded_actor(actor),
    )
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        referral=referral,
        to_status=ReferralStatus.SENT,
    )
    return referral


@transaction.atomic
def referral_update_status(
    *,
    actor,
    referral: Referral,
    to_status: str,
    on: dt.date | None = None,
    outcome: str = "",
    note: str = "",
) -> Referral:
    """Move a referral: sent → accepted or rejected, accepted → done, sent or accepted →
    revoked. Rejected, done and revoked are final. The outcome given is kept on the referral
    (when it has none yet) and always in the event."""
    _require_writer(actor, referral.case.centre)
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    # A closed case is history: an answer arriving later is recorded after reopening it, so
    # that nothing dated after the closing day hangs on a closed case.
    _require_open(locked.case)
    from_status = locked.status
    _check_step(
        REFERRAL_TRANSITIONS,
        R,
        from_status,
        to_status,
        _("A referral cannot go from “%(from)s” to “%(to)s”. Allowed from “%(from)s”: %(next)s."),
    )
    day = _day(on, "on")
    if day < locked.referred_on:
        raise _invalid("on", _("This date is before the referral was sent."), "before_referral")
    if to_status in (R.DONE, R.REVOKED) and locked.answered_on and day < locked.answered_on:
        raise _invalid(
            "on",
            _("This date is before the referral was answered (%(day)s).")
            % {"day": date_format(locked.answered_on, "SHORT_DATE_FORMAT")},
            "before_answer",
        )
    if to_status in (R.ACCEPTED, R.REJECTED):
        locked.answered_on = day
    else:
        locked.finished_on = day
    outcome = outcome.strip()
    if outcome and not locked.outcome:
        locked.outcome = outcome
    locked.status = to_status
    locked.save(update_fields=["status", "answered_on", "finished_on", "outcome"])
    _event(
        locked.case,
        actor,
        CaseEvent.Kind.REFERRAL_STATUS,
        referral=locked,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail={"on": str(day), "outcome": outcome} if outcome else {"on": str(day)},
    )
    return locked


# ---------------------------------------------------------------------------------------------
# Reading a case
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline; ``obj`` is a CaseEvent, Visit, Assistance or Referral."""

    date: dt.date
    recorded_at: dt.datetime
    kind: str
    obj: Any


# The audit events of visits, assistance and referrals are shown as the rows themselves.
_EVENTS_SHOWN_AS_ROWS = [CaseEvent.Kind.VISIT, CaseEvent.Kind.ASSISTANCE, CaseEvent.Kind.REFERRAL]
_KIND_ORDER = {"event": 0, "visit": 1, "assistance": 2, "referral": 3}


def _event_day(case: Case, event: CaseEvent) -> dt.date:
    # A case entered after the fact opened on its opening date, not on the day it was typed.
    if event.kind == CaseEvent.Kind.OPENED:
        return case.opened_on
    return timezone.localdate(event.at)


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Events, visits, assistance and referrals of ``case`` in one list ordered by date, then
    by when they were recorded. Six queries whatever the size of the case."""
    events = (
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=_EVENTS_SHOWN_AS_ROWS)
        .select_related("actor", "referral__agency", "transfer__from_centre", "transfer__to_centre")
    )
    visits = Visit.objects.filter(case=case).prefetch_related(
        Prefetch("volunteers", queryset=Volunteer.objects.order_by("first_name"))
    )
    assistance = (
        Assistance.objects.filter(case=case)
        .select_related("provider_agency", "provider_centre")
        .prefetch_related("items")
    )
    referrals = Referral.objects.filter(case=case).select_related("agency", "consent")
    entries = [
        TimelineEntry(_event_day(case, e), e.at, "event", e) for e in events
    ] + [
        TimelineEntry(v.visited_on, v.recorded_at, "visit", v) for v in visits
    ] + [
        TimelineEntry(a.given_on, a.recorded_at, "assistance", a) for a in assistance
    ] + [
        TimelineEntry(r.referred_on, r.recorded_at, "referral", r) for r in referrals
    ]  # fmt: skip
    entries.sort(key=lambda e: (e.date, e.recorded_at, _KIND_ORDER[e.kind], e.obj.pk))
    return entries


def person_possible_duplicates(
    *, user, person: Person | None = None, exclude_pk: int | None = None, **fields
):
    """Persons visible to ``user`` that look like ``person`` (or like the ``fields`` given:
    national_id, first_name, last_name, birth_date, district_code). Candidates outside the
    user's centres are not shown: they would only lead to a page the user may not open."""
    if person is not None:
        fields = {
            "national_id": person.national_id,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date,
            "district_code": person.district_code,
            **fields,
        }
        exclude_pk = person.pk if exclude_pk is None else exclude_pk
    return (
        Person.objects.visible_to(user)
        .possible_duplicates(exclude_pk=exclude_pk, **fields)
        .select_related("centre")
    )


# ---------------------------------------------------------------------------------------------
# Transfers to another centre
# ---------------------------------------------------------------------------------------------

TRANSFER_EVENT_KINDS = frozenset({
    CaseEvent.Kind.TRANSFER_REQUESTED,
    CaseEvent.Kind.TRANSFER_ACCEPTED,
    CaseEvent.Kind.TRANSFER_DECLINED,
    CaseEvent.Kind.TRANSFER_CANCELLED,
})  # fmt: skip


def _refuse_while_in_transfer(case: Case, kind: str) -> None:
    """Refuse a write to ``case`` while a transfer of it is pending, or once it has moved to
    another centre since the caller read it.

    The case row is locked first, as the transfer services lock it, so a write and a transfer
    request or acceptance never interleave: the write either comes before the request, or it
    sees the pending transfer (or the new centre) and is refused. The transfer's own events
    pass."""
    if kind in TRANSFER_EVENT_KINDS:
        return
    centre_id = Case.objects.select_for_update().values_list("centre_id", flat=True).get(pk=case.pk)
    if centre_id != case.centre_id:
        raise ValidationError(
            _("Case %(number)s has just moved to another centre: nothing more is recorded on "
              "it here."),
            code="case_moved",
            params={"number": case.number},
        )  # fmt: skip
    pending = CaseTransfer.objects.pending().filter(case_id=case.pk).select_related("to_centre")
    transfer = pending.first()
    if transfer is not None:
        raise ValidationError(
            _("Case %(number)s is being transferred to %(centre)s: nothing can be recorded on "
              "it until that centre accepts or declines the transfer, or it is cancelled."),
            code="case_in_transfer",
            params={"number": case.number, "centre": transfer.to_centre},
        )  # fmt: skip


def _locked_transfer(transfer: CaseTransfer) -> tuple[Case, CaseTransfer]:
    """The case and the transfer re-read under row locks, the case first (the order of every
    write to a case), so that two answers to one transfer cannot both pass."""
    case = _locked(transfer.case)
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("from_centre", "to_centre")
        .get(pk=transfer.pk)
    )
    return case, locked


def _require_pending(transfer: CaseTransfer) -> None:
    if transfer.is_pending:
        return
    messages = {
        TransferStatus.ACCEPTED: _("This transfer was already accepted on %(day)s."),
        TransferStatus.DECLINED: _("This transfer was declined on %(day)s."),
        TransferStatus.CANCELLED: _("This transfer was cancelled on %(day)s."),
    }
    day = date_format(timezone.localtime(transfer.decided_at), "SHORT_DATE_FORMAT")
    raise ValidationError(messages[transfer.status], code="transfer_answered", params={"day": day})


def _transfer_detail(transfer: CaseTransfer) -> dict[str, Any]:
    """What the events keep of a transfer: the centres' codes, from and to."""
    return {"from_centre": transfer.from_centre.code, "to_centre": transfer.to_centre.code}


def _answer(transfer: CaseTransfer, actor, status: str, note: str) -> None:
    transfer.status = status
    transfer.decided_by = recorded_actor(actor)
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def case_transfer_request(*, actor, case: Case, to_centre: Centre, reason: str) -> CaseTransfer:
    """Ask ``to_centre`` to take ``case`` over, saying why.

    The actor writes at the case's centre; the case is open and has no transfer pending; the
    receiving centre is another one, and open. Until the receiving centre answers, the case
    stays where it is and nothing is recorded on it (see ``_refuse_while_in_transfer``)."""
    _require_writer(actor, case.centre)
    locked = _locked(case)
    if locked.centre_id != case.centre_id:
        raise ValidationError(
            _("Case %(number)s has just moved to another centre."),
            code="case_moved",
            params={"number": case.number},
        )
    if locked.status == S.CLOSED:
        raise ValidationError(
            _("Case %(number)s is closed: a closed case is not transferred. Reopen it first if "
              "the person needs the other centre's help."),
            code="case_closed",
            params={"number": locked.number},
        )  # fmt: skip
    pending = CaseTransfer.objects.pending().filter(case=locked).select_related("to_centre")
    already = pending.first()
    if already is not None:
        raise ValidationError(
            _("Case %(number)s already has a transfer to %(centre)s waiting for an answer."),
            code="transfer_pending",
            params={"number": locked.number, "centre": already.to_centre},
        )
    errors: dict[str, ValidationError] = {}
    if to_centre.pk == locked.centre_id:
        errors["to_centre"] = ValidationError(
            _("The case is already at this centre: choose another one."), code="same_centre"
        )
    elif to_centre.status != Centre.Status.ACTIVE:
        errors["to_centre"] = ValidationError(
            _("This centre is closed: choose an open centre."), code="centre_closed"
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ValidationError(_("Say why the case is transferred."), code="required")
    if errors:
        raise ValidationError(errors)
    transfer = CaseTransfer.objects.create(
        case=locked,
        from_centre=locked.centre,
        to_centre=to_centre,
        reason=reason,
        requested_by=recorded_actor(actor),
    )
    _event(locked, actor, CaseEvent.Kind.TRANSFER_REQUESTED, transfer=transfer, note=reason,
           detail=_transfer_detail(transfer))  # fmt: skip
    return transfer


@transaction.atomic
def case_transfer_accept(*, actor, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """Take the case over: its centre becomes the receiving centre, in this transaction.

    The actor writes at the receiving centre; the transfer is pending and the receiving centre
    still open. The case keeps its number and its whole history; the person stays recorded by
    the centre that recorded them and is seen by the new one through the case. Volunteers of
    the sending centre who are not active at the receiving one are taken off the case (a case
    is worked on by volunteers of its own centre), with an event naming them."""
    _require_writer(actor, transfer.to_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    if locked.to_centre.status != Centre.Status.ACTIVE:
        raise ValidationError(
            _("%(centre)s is closed and cannot take the case over: decline the transfer."),
            code="centre_closed",
            params={"centre": locked.to_centre},
        )
    if case.centre_id != locked.from_centre_id:
        # Only a transfer can move a case, and there is one pending at most: never reached.
        raise ValidationError(_("The case is no longer at the sending centre."), code="case_moved")
    active_there = Registration.objects.active().filter(centre=locked.to_centre)
    leaving = list(
        case.assignments.exclude(volunteer__in=active_there.values("volunteer"))
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)
    )
    note = (note or "").strip()
    _answer(locked, actor, TransferStatus.ACCEPTED, note)
    case.centre = locked.to_centre
    case.save(update_fields=["centre"])
    _event(case, actor, CaseEvent.Kind.TRANSFER_ACCEPTED, transfer=locked, note=note,
           detail=_transfer_detail(locked))  # fmt: skip
    if leaving:
        case.assignments.filter(volunteer_id__in=leaving).delete()
        _event(case, actor, CaseEvent.Kind.UNASSIGNED,
               detail={"volunteers": leaving, "transfer": locked.pk})  # fmt: skip
    transfer.case.centre = case.centre
    return locked


@transaction.atomic
def case_transfer_decline(*, actor, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """Decline a pending transfer, saying why; the case stays at the sending centre, which
    may record on it again. The actor writes at the receiving centre."""
    _require_writer(actor, transfer.to_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the transfer is declined."), "required")
    _answer(locked, actor, TransferStatus.DECLINED, reason)
    _event(case, actor, CaseEvent.Kind.TRANSFER_DECLINED, transfer=locked, note=reason,
           detail=_transfer_detail(locked))  # fmt: skip
    return locked


@transaction.atomic
def case_transfer_cancel(*, actor, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """Withdraw a pending transfer; the actor writes at the sending centre."""
    _require_writer(actor, transfer.from_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    note = (note or "").strip()
    _answer(locked, actor, TransferStatus.CANCELLED, note)
    _event(case, actor, CaseEvent.Kind.TRANSFER_CANCELLED, transfer=locked, note=note,
           detail=_transfer_detail(locked))  # fmt: skip
    return locked


# ---------------------------------------------------------------------------------------------
# Corrections of a person and of a household (issue 11)
#
# A person or a household is not owned by one case, but its history is read on the cases'
# timelines: each correction appends one event (the same detail, one "correction" key) to
# every case of the person, or of the household's persons, at the centres the actor writes
# at. The events keep each replaced value beside the new one, as display-safe primitives
# (text, numbers, lists, ISO dates; a place or a person as the names shown then), which
# CaseEvent.change_lines reads back in the user's language.
#
# With no such case there is no timeline to keep the old values on, so the correction is
# refused with a message (open a case first, or ask the centre that handles the case):
# a correction that left no trace would defeat the point of keeping history.
# ---------------------------------------------------------------------------------------------

# What the staff pages may correct on a person; the centre that recorded them, who recorded
# them and when belong to the record, and the note to the admin.
PERSON_FIELDS = ("title", "first_name", "last_name", "national_id", "no_id_reason",
                 "no_id_note", "birth_date", "sex", "target_groups", "has_disability", "phone",
                 "house_number", "moo", "village", "soi", "road", "subdistrict", "postcode",
                 "current_same_as_registered", "current_house_number", "current_moo",
                 "current_village", "current_soi", "current_road", "current_subdistrict",
                 "current_postcode")  # fmt: skip
_CURRENT_ADDRESS_FIELDS = ("current_house_number", "current_moo", "current_village",
                           "current_soi", "current_road", "current_postcode")  # fmt: skip
HOUSEHOLD_FIELDS = ("name", "house_registration_code")
MEMBER_FIELDS = ("person", "name", "relation", "birth_date", "occupation", "monthly_income")
# A monthly income of a hundred million baht or more does not fit the column (10 digits, 2
# after the point) and is a typing slip anyway.
MAX_MONTHLY_INCOME = Decimal("99999999.99")

NO_CASE_MESSAGE = _(
    "This record has no case at your centres, so a correction would have no timeline to be "
    "kept on. Open a case first, or ask the centre that handles the case."
)


STALE_MESSAGE = _(
    "Someone else saved a change to this record after you opened the form, and nothing of "
    "yours was saved. The form now shows the record as it is: make your correction again."
)


def _version(*values: Any) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:20]


def case_version(case: Case) -> str:
    """A digest of what a correction of ``case`` may change: a form carries the one it was
    filled on, and the service refuses it once the case has changed since."""
    return _version(*(getattr(case, f) for f in (*CASE_DETAIL_FIELDS, "opened_on")))


def person_version(person: Person) -> str:
    """As case_version, for a person."""
    return _version(*(getattr(person, f"{f}_id" if f.endswith("subdistrict") else f)
                      for f in PERSON_FIELDS))  # fmt: skip


def household_version(household: Household) -> str:
    """As case_version, for a household and its member rows."""
    members = household.members.order_by("pk").values_list("pk", *[
        f"{f}_id" if f == "person" else f for f in MEMBER_FIELDS
    ])  # fmt: skip
    return _version(*(getattr(household, f) for f in HOUSEHOLD_FIELDS), *map(list, members))


def _check_version(expected: str | None, current: str) -> None:
    """Two people correcting the same record: the second form, filled on the values the first
    replaced, would silently put them back. Read under the row's lock, the record is compared
    with the one the form was filled on; nothing is saved if it changed."""
    if expected and expected != current:
        raise ValidationError(STALE_MESSAGE, code="stale")


def _stored(value: Any) -> Any:
    """A value as an event's detail keeps it: JSON primitives that need no query to show."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Subdistrict):
        district, province = value.district, value.district.province
        return {
            "code": value.code,
            "th": f"{value.name_th} · {district.name_th} · {province.name_th}",
            "en": f"{value.name_en} · {district.name_en} · {province.name_en}",
        }
    if isinstance(value, Person):
        return {"pk": value.pk, "name": value.display_name}
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return old == new


def _correction_events(cases: list[Case], actor, kind: str, note: str, detail: dict) -> None:
    """One event per case, all of one correction (``detail["correction"]``)."""
    detail = {**detail, "correction": uuid.uuid4().hex}
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=kind, actor=recorded_actor(actor),
                  note=(note or "").strip(), detail=detail)
        for case in cases
    )  # fmt: skip


def person_correction_cases(actor, person: Person) -> list[Case]:
    """The cases whose timelines a correction of ``person`` by ``actor`` goes on: those of
    the person at the centres the actor writes at."""
    return list(Case.objects.writable_by(actor).filter(person_id=person.pk).order_by("pk"))


def household_correction_cases(actor, household: Household) -> list[Case]:
    """The cases whose timelines a correction of ``household`` by ``actor`` goes on (as it
    stands: persons a correction adds bring theirs too)."""
    persons = household.members.filter(person__isnull=False).values("person_id")
    return list(Case.objects.writable_by(actor).filter(person_id__in=persons).order_by("pk"))


def _text(value, field: str, model) -> str:
    value = (value or "").strip()
    limit = model._meta.get_field(field).max_length
    if limit and len(value) > limit:
        raise _invalid(
            field,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": limit, "count": len(value)},
            "max_length",
        )
    return value


def _person_values(actor, locked: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The person's fields after ``changes``, checked as the intake checks them."""
    from volunteers.models import Sex

    values = {f: changes.get(f, getattr(locked, f)) for f in PERSON_FIELDS}
    for field in PERSON_FIELDS:
        if isinstance(Person._meta.get_field(field), models.CharField) and field not in (
            "national_id", "no_id_reason", "sex", "target_groups"
        ):  # fmt: skip
            values[field] = _text(values[field], field, Person)
    if not values["first_name"]:
        raise _invalid("first_name", _("Give the person's first name."), "required")
    national_id = values["national_id"]
    if national_id:
        try:
            national_id = normalise_national_id(national_id)
        except ValidationError as error:
            raise _invalid("national_id", error.messages[0], error.code or "invalid") from None
        holder, visible = Person.objects.national_id_holder(
            national_id, user=actor, exclude_pk=locked.pk
        )
        if holder is not None:
            if visible:
                message = _("A person with this national ID is already recorded: %(name)s.") % {
                    "name": holder.display_name
                }
            else:
                # Nothing more about a person the actor may not see.
                message = _("This national ID is already recorded at another centre.")
            raise _invalid("national_id", message, "duplicate_national_id")
        # A reason for having no ID no longer applies once the ID is known.
        values.update(national_id=national_id, no_id_reason="", no_id_note="")
    else:
        values["national_id"] = None
        reason = values["no_id_reason"]
        if not reason:
            raise _invalid(
                "no_id_reason",
                _("Give the national ID, or the reason the person has none."),
                "no_id_reason_missing",
            )
        values["no_id_reason"] = _choice(reason, NoIdReason, "no_id_reason")
        if reason == NoIdReason.OTHER and not values["no_id_note"]:
            raise _invalid("no_id_note", _("Say why the person has no national ID."), "required")
    birth_date = values["birth_date"]
    if birth_date and birth_date > timezone.localdate():
        raise _invalid("birth_date", _("This date is in the future."), "future_date")
    if values["sex"]:
        values["sex"] = _choice(values["sex"], Sex, "sex")
    values["target_groups"] = _choices(values["target_groups"], TargetGroup, "target_groups")
    values["has_disability"] = bool(values["has_disability"])
    try:
        values["phone"] = normalise_phone(values["phone"])
    except ValidationError as error:
        raise _invalid("phone", error.messages[0], "phone") from None
    for prefix in ("", "current_"):
        code = to_arabic_digits(values[f"{prefix}postcode"])
        if code and not (len(code) == 5 and code.isdigit()):
            raise _invalid(f"{prefix}postcode", _("A postcode has 5 digits, such as 10220."),
                           "postcode")  # fmt: skip
        values[f"{prefix}postcode"] = code
    values["current_same_as_registered"] = bool(values["current_same_as_registered"])
    if values["current_same_as_registered"]:
        # One address: the current one is the registered one, and no second one is kept.
        values.update(dict.fromkeys(_CURRENT_ADDRESS_FIELDS, ""), current_subdistrict=None)
    return values


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    note: str = "",
    expected_version: str | None = None,
    **changes: Any,
) -> Person:
    """Correct ``person`` (``PERSON_FIELDS``: names, national ID or the reason for having none,
    birth date, sex, target groups, disability, both addresses, phone) with the intake's
    checks, and append the replaced and new values of each changed field to the timeline of
    every case of the person at the centres ``actor`` writes at (see the block comment).

    Refuses with a ValidationError keyed by field, saving nothing: a malformed or already
    recorded national ID (one held outside the actor's scope is named only as "at another
    centre"), a birth date in the future, a choice not on the list. Refuses with a
    ValidationError (no field) when the person has no case there. Look-alikes are warned of
    by the page, not here: two people may share a name and a birthday. Fields not given keep
    their values; a call that changes nothing records nothing. ``expected_version``: see
    case_update."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update cannot change {', '.join(sorted(unknown))}")
    if not Person.objects.writable_by(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You may not change the persons of this centre."))
    # Two corrections at once: the second waits, then compares with what the first saved.
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related(
            "subdistrict__district__province", "current_subdistrict__district__province"
        )  # fmt: skip
        .get(pk=person.pk)
    )
    _check_version(expected_version, person_version(locked))
    cases = person_correction_cases(actor, locked)
    if not cases:
        raise ValidationError(NO_CASE_MESSAGE, code="no_case")
    values = _person_values(actor, locked, changes)
    changed = {
        f: {"from": _stored(getattr(locked, f)), "to": _stored(values[f])}
        for f in PERSON_FIELDS
        if not _same(getattr(locked, f), values[f])
    }
    if not changed:
        return person
    for field in changed:
        setattr(locked, field, values[field])
    try:
        locked.full_clean(exclude=["centre"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    try:
        with transaction.atomic():
            locked.save(update_fields=list(changed))
    except IntegrityError as error:
        # Another intake or correction saved the same ID since the check above.
        if "person_unique_national_id" not in str(error):
            raise
        raise _invalid(
            "national_id",
            _("A person with this national ID was recorded a moment ago."),
            "duplicate_national_id",
        ) from None
    for field in changed:
        setattr(person, field, values[field])
    _correction_events(cases, actor, CaseEvent.Kind.PERSON_UPDATED, note,
                       {"person": locked.pk, "changed": changed})  # fmt: skip
    return person


@dataclass(frozen=True)
class MemberRow:
    """One row of a household's member list, for ``household_update(members=...)``: ``id``
    names a member of the household (None for a new one); ``remove`` takes it off."""

    id: int | None = None
    person: Person | None = None
    name: str = ""
    relation: str = ""
    birth_date: dt.date | None = None
    occupation: str = ""
    monthly_income: Decimal | None = None
    remove: bool = False


def _member_values(actor, row: MemberRow, label: str) -> dict[str, Any]:
    """A member row's fields, checked; ``label`` names the row in messages."""
    name = _text(row.name, "name", HouseholdMember)
    person = row.person
    if person is not None and not Person.objects.writable_by(actor).filter(pk=person.pk).exists():
        raise _invalid("members", _("%(row)s: this person is not recorded at your centres.")
                       % {"row": label}, "person_scope")  # fmt: skip
    if person is None and not name:
        raise _invalid(
            "members",
            _("%(row)s: choose a recorded person or type the member's name.") % {"row": label},
            "member_without_person_or_name",
        )
    if row.relation not in Relation.values:
        raise _invalid("members", _("%(row)s: choose the relation to the head from the list.")
                       % {"row": label}, "invalid_choice")  # fmt: skip
    if row.birth_date and row.birth_date > timezone.localdate():
        raise _invalid("members", _("%(row)s: the birth date is in the future.") % {"row": label},
                       "future_date")  # fmt: skip
    income = row.monthly_income
    if income is not None:
        income = Decimal(income)
        if not income.is_finite() or not 0 <= income <= MAX_MONTHLY_INCOME:
            raise _invalid(
                "members",
                _("%(row)s: the monthly income must be from 0 to %(max)s baht.")
                % {"row": label, "max": f"{MAX_MONTHLY_INCOME:,.2f}"},
                "income",
            )
        income = income.quantize(Decimal("0.01"))
    return {
        "person": person,
        "name": "" if person is not None else name,
        "relation": row.relation,
        "birth_date": row.birth_date,
        "occupation": _text(row.occupation, "occupation", HouseholdMember),
        "monthly_income": income,
    }


def _member_label(person: Person | None, name: str) -> str:
    return person.display_name if person is not None else name


@transaction.atomic
def household_update(
    *,
    actor,
    household: Household,
    members: Iterable[MemberRow] = (),
    note: str = "",
    expected_version: str | None = None,
    **changes: Any,
) -> Household:
    """Correct ``household`` (``HOUSEHOLD_FIELDS``) and its members: a row with an ``id``
    changes that member (or removes it), a row without adds one. A member is a recorded
    person of the actor's centres or only a name, with a relation to the head, a birth date,
    an occupation and a monthly income. Members not named in ``members`` are left alone.

    Every replaced value is kept: one event on each case of the household's persons (before
    and after the change) at the centres the actor writes at; with none, the correction is
    refused. A row id of another household, a person twice, bad input: a ValidationError,
    nothing saved. Under the household's lock, so two corrections do not interleave;
    ``expected_version``: see case_update."""
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"household_update cannot change {', '.join(sorted(unknown))}")
    if not Household.objects.writable_by(actor).filter(pk=household.pk).exists():
        raise PermissionDenied(_("You may not change the households of this centre."))
    locked = Household.objects.select_for_update().get(pk=household.pk)
    _check_version(expected_version, household_version(locked))
    current = {m.pk: m for m in locked.members.select_related("person").order_by("pk")}
    values = {f: changes.get(f, getattr(locked, f)) for f in HOUSEHOLD_FIELDS}
    values["name"] = _text(values["name"], "name", Household)
    code = "".join(ch for ch in to_arabic_digits(values["house_registration_code"] or "")
                   if ch not in " -")  # fmt: skip
    if code and not (len(code) == 11 and code.isdigit()):
        raise _invalid("house_registration_code",
                       _("A house registration code has 11 digits."),
                       "house_registration_code")  # fmt: skip
    values["house_registration_code"] = code
    changed = {
        f: {"from": _stored(getattr(locked, f)), "to": _stored(values[f])}
        for f in HOUSEHOLD_FIELDS
        if getattr(locked, f) != values[f]
    }
    member_changes, to_add, to_update, to_remove = [], [], [], []
    seen_ids: set[int] = set()
    for n, row in enumerate(members, start=1):
        if row.id is not None:
            member = current.get(row.id)
            if member is None or row.id in seen_ids:
                raise _invalid("members", _("Row %(n)d is not a member of this household.")
                               % {"n": n}, "member_of_another_household")  # fmt: skip
            seen_ids.add(row.id)
            label = _member_label(member.person, member.name)
            if row.remove:
                to_remove.append(member)
                member_changes.append({
                    "action": "removed", "member": label,
                    "changed": {f: {"from": _stored(getattr(member, f)), "to": None}
                                for f in MEMBER_FIELDS if getattr(member, f) not in ("", None)},
                })  # fmt: skip
                continue
            new = _member_values(actor, row, label)
            diff = {
                f: {"from": _stored(getattr(member, f)), "to": _stored(new[f])}
                for f in MEMBER_FIELDS
                if not _same(getattr(member, f), new[f])
            }
            if diff:
                for f in diff:
                    setattr(member, f, new[f])
                to_update.append((member, list(diff)))
                member_changes.append({"action": "changed", "member": label, "changed": diff})
        elif not row.remove:
            new = _member_values(actor, row, _("Row %(n)d") % {"n": n})
            to_add.append(HouseholdMember(household=locked, **new))
            member_changes.append({
                "action": "added", "member": _member_label(new["person"], new["name"]),
                "changed": {f: {"from": None, "to": _stored(v)}
                            for f, v in new.items() if v not in ("", None)},
            })  # fmt: skip
    kept = [m for m in current.values() if m not in to_remove]
    persons = [m.person_id for m in kept if m.person_id] + [m.person_id for m in to_add
                                                             if m.person_id]  # fmt: skip
    if len(persons) != len(set(persons)):
        raise _invalid("members", _("This person is already a member of the household."),
                       "member_twice")  # fmt: skip
    if not (changed or member_changes):
        return household
    everyone = {m.person_id for m in current.values() if m.person_id} | set(persons)
    cases = list(
        Case.objects.writable_by(actor).filter(person_id__in=everyone).order_by("person_id", "pk")
    )
    if not cases:
        raise ValidationError(NO_CASE_MESSAGE, code="no_case")
    for field in changed:
        setattr(locked, field, values[field])
        setattr(household, field, values[field])
    try:
        with transaction.atomic():
            if changed:
                locked.save(update_fields=list(changed))
            HouseholdMember.objects.filter(pk__in=[m.pk for m in to_remove]).delete()
            for member, fields in to_update:
                member.save(update_fields=fields)
            HouseholdMember.objects.bulk_create(to_add)
    except IntegrityError as error:
        # Two rows swapping their persons in one submit meet the one-membership index midway.
        if "household_member_once" not in str(error):
            raise
        raise _invalid("members", _("This person is already a member of the household."),
                       "member_twice") from None  # fmt: skip
    detail = {"household": locked.pk, "household_name": str(locked), "changed": changed,
              "members": member_changes}  # fmt: skip
    _correction_events(cases, actor, CaseEvent.Kind.HOUSEHOLD_UPDATED, note, detail)
    return household


def person_corrections(user, person: Person) -> list[CaseEvent]:
    """The corrections of ``person`` and of their households that ``user`` may read, newest
    first, each once (one correction is an event on each of several cases)."""
    households = list(person.household_memberships.values_list("household_id", flat=True))
    events = (
        CaseEvent.objects.visible_to(user)
        .filter(
            Q(kind=CaseEvent.Kind.PERSON_UPDATED, detail__person=person.pk)
            | Q(kind=CaseEvent.Kind.HOUSEHOLD_UPDATED, detail__household__in=households)
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    seen, shown = set(), []
    for event in events:
        key = event.detail.get("correction") or event.pk
        if key not in seen:
            seen.add(key)
            shown.append(event)
    return shown
