"""Corrections of a household and of its members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Household, HouseholdMember, Person, Relation
from cases.services._checks import _invalid
from cases.services.corrections import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    NO_CASE_MESSAGE,
    _check_version,
    _correction_events,
    _same,
    _stored,
    _text,
    household_version,
)
from volunteer_centre.identity import normalise_house_registration_code

# A monthly income of a hundred million baht or more does not fit the column (10 digits, 2
# after the point) and is a typing slip anyway.
MAX_MONTHLY_INCOME = Decimal("99999999.99")


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


def _member_values(actor: User, row: MemberRow, label: str) -> dict[str, Any]:
    """A member row's fields, checked; ``label`` names the row in messages."""
    name = _text(row.name, "name", HouseholdMember)
    person = row.person
    if person is not None and not Person.objects.writable_by(actor).filter(pk=person.pk).exists():
        raise _invalid(
            "members",
            _("%(row)s: this person is not recorded at your centres.") % {"row": label},
            "person_scope",
        )
    if person is None and not name:
        raise _invalid(
            "members",
            _("%(row)s: choose a recorded person or type the member's name.") % {"row": label},
            "member_without_person_or_name",
        )
    if row.relation not in Relation.values:
        raise _invalid(
            "members",
            _("%(row)s: choose the relation to the head from the list.") % {"row": label},
            "invalid_choice",
        )
    if row.birth_date and row.birth_date > timezone.localdate():
        raise _invalid(
            "members",
            _("%(row)s: the birth date is in the future.") % {"row": label},
            "future_date",
        )
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


def _household_values(locked: Household, changes: dict[str, Any]) -> dict[str, Any]:
    """The household's fields after ``changes``, checked."""
    values = {f: changes.get(f, getattr(locked, f)) for f in HOUSEHOLD_FIELDS}
    values["name"] = _text(values["name"], "name", Household)
    try:
        code = normalise_house_registration_code(values["house_registration_code"])
    except ValidationError as refused:
        raise ValidationError({"house_registration_code": refused}) from None
    values["house_registration_code"] = code
    return values


def _member_rows(
    actor: User,
    locked: Household,
    current: dict[int, HouseholdMember],
    members: Iterable[MemberRow],
) -> tuple[
    list[dict[str, Any]],
    list[HouseholdMember],
    list[tuple[HouseholdMember, list[str]]],
    list[HouseholdMember],
]:
    """What the member rows do, checked: (the change of each member for the event, the members
    to add, the (member, changed fields) to save, the members to remove). A row id that is not
    one of ``current`` (or comes twice) is refused."""
    member_changes: list[dict[str, Any]] = []
    to_add: list[HouseholdMember] = []
    to_update: list[tuple[HouseholdMember, list[str]]] = []
    to_remove: list[HouseholdMember] = []
    seen_ids: set[int] = set()
    for n, row in enumerate(members, start=1):
        if row.id is not None:
            member = current.get(row.id)
            if member is None or row.id in seen_ids:
                raise _invalid(
                    "members",
                    _("Row %(n)d is not a member of this household.") % {"n": n},
                    "member_of_another_household",
                )
            seen_ids.add(row.id)
            label = _member_label(member.person, member.name)
            if row.remove:
                to_remove.append(member)
                member_changes.append(_removed_member(member, label))
                continue
            diff = _changed_member(actor, member, row, label)
            if diff:
                to_update.append((member, list(diff)))
                member_changes.append({"action": "changed", "member": label, "changed": diff})
        elif not row.remove:
            new = _member_values(actor, row, _("Row %(n)d") % {"n": n})
            to_add.append(HouseholdMember(household=locked, **new))
            member_changes.append(_added_member(new))
    return member_changes, to_add, to_update, to_remove


def _removed_member(member: HouseholdMember, label: str) -> dict[str, Any]:
    """The event's entry for a member taken off: the values it had."""
    return {
        "action": "removed",
        "member": label,
        "changed": {
            f: {"from": _stored(getattr(member, f)), "to": None}
            for f in MEMBER_FIELDS
            if getattr(member, f) not in ("", None)
        },
    }


def _changed_member(
    actor: User, member: HouseholdMember, row: MemberRow, label: str
) -> dict[str, dict[str, Any]]:
    """The fields ``row`` changes on ``member`` ({field: {"from", "to"}}), set on it."""
    new = _member_values(actor, row, label)
    diff = {
        f: {"from": _stored(getattr(member, f)), "to": _stored(new[f])}
        for f in MEMBER_FIELDS
        if not _same(getattr(member, f), new[f])
    }
    for f in diff:
        setattr(member, f, new[f])
    return diff


def _added_member(new: dict[str, Any]) -> dict[str, Any]:
    """The event's entry for a member added with the values ``new``."""
    return {
        "action": "added",
        "member": _member_label(new["person"], new["name"]),
        "changed": {
            f: {"from": None, "to": _stored(v)} for f, v in new.items() if v not in ("", None)
        },
    }


def _persons_once(
    current: dict[int, HouseholdMember],
    to_add: list[HouseholdMember],
    to_remove: list[HouseholdMember],
) -> list[int]:
    """The recorded persons of the household once the rows are applied; one there twice is
    refused."""
    kept = [m for m in current.values() if m not in to_remove]
    persons = [m.person_id for m in kept if m.person_id] + [
        m.person_id for m in to_add if m.person_id
    ]
    if len(persons) != len(set(persons)):
        raise _invalid(
            "members", _("This person is already a member of the household."), "member_twice"
        )
    return persons


@transaction.atomic
def household_update(
    *,
    actor: User,
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
    values = _household_values(locked, changes)
    changed = {
        f: {"from": _stored(getattr(locked, f)), "to": _stored(values[f])}
        for f in HOUSEHOLD_FIELDS
        if getattr(locked, f) != values[f]
    }
    member_changes, to_add, to_update, to_remove = _member_rows(actor, locked, current, members)
    persons = _persons_once(current, to_add, to_remove)
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
        raise _invalid(
            "members", _("This person is already a member of the household."), "member_twice"
        ) from None
    detail = {
        "household": locked.pk,
        "household_name": str(locked),
        "changed": changed,
        "members": member_changes,
    }
    _correction_events(cases, actor, CaseEvent.Kind.HOUSEHOLD_UPDATED, note, detail)
    return household
