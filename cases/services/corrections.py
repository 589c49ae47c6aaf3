"""Corrections of a person and of a household (issue 11): what both kinds share, and the
corrections a person's page shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Household, Person
from cases.services._checks import _invalid
from cases.services.intake import CASE_DETAIL_FIELDS
from centres.models import Subdistrict
from volunteer_centre.actors import recorded_actor

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

# What the staff pages may correct on a person; the centre that recorded them, who recorded
# them and when belong to the record, and the note to the admin.
PERSON_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "national_id",
    "no_id_reason",
    "no_id_note",
    "birth_date",
    "sex",
    "target_groups",
    "has_disability",
    "phone",
    "house_number",
    "moo",
    "village",
    "soi",
    "road",
    "subdistrict",
    "postcode",
    "current_same_as_registered",
    "current_house_number",
    "current_moo",
    "current_village",
    "current_soi",
    "current_road",
    "current_subdistrict",
    "current_postcode",
)
HOUSEHOLD_FIELDS = ("name", "house_registration_code")
MEMBER_FIELDS = ("person", "name", "relation", "birth_date", "occupation", "monthly_income")

NO_CASE_MESSAGE = _(
    "This record has no case at your centres, so a correction would have no timeline to be "
    "kept on. Open a case first, or ask the centre that handles the case."
)


STALE_MESSAGE = _(
    "Someone else saved a change to this record after you opened the form, and nothing of "
    "yours was saved. The form now shows the record as it is: make your correction again."
)


def _version(*values: object) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:20]


def case_version(case: Case) -> str:
    """A digest of what a correction of ``case`` may change: a form carries the one it was
    filled on, and the service refuses it once the case has changed since."""
    return _version(*(getattr(case, f) for f in (*CASE_DETAIL_FIELDS, "opened_on")))


def person_version(person: Person) -> str:
    """As case_version, for a person."""
    return _version(
        *(getattr(person, f"{f}_id" if f.endswith("subdistrict") else f) for f in PERSON_FIELDS)
    )


def household_version(household: Household) -> str:
    """As case_version, for a household and its member rows."""
    members = household.members.order_by("pk").values_list(
        "pk", *[f"{f}_id" if f == "person" else f for f in MEMBER_FIELDS]
    )
    return _version(*(getattr(household, f) for f in HOUSEHOLD_FIELDS), *map(list, members))


def _check_version(expected: str | None, current: str) -> None:
    """Two people correcting the same record: the second form, filled on the values the first
    replaced, would silently put them back. Read under the row's lock, the record is compared
    with the one the form was filled on; nothing is saved if it changed."""
    if expected and expected != current:
        raise ValidationError(STALE_MESSAGE, code="stale")


def _stored(value: object) -> object:
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


def _same(old: object, new: object) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        old_pk: object = getattr(old, "pk", None)
        new_pk: object = getattr(new, "pk", None)
        return old_pk == new_pk
    return old == new


def _correction_events(
    cases: list[Case], actor: User, kind: str, note: str, detail: Mapping[str, object]
) -> None:
    """One event per case, all of one correction (``detail["correction"]``)."""
    detail = {**detail, "correction": uuid.uuid4().hex}
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=kind,
            actor=recorded_actor(actor),
            note=(note or "").strip(),
            detail=detail,
        )
        for case in cases
    )


def person_correction_cases(actor: User | AnonymousUser, person: Person) -> list[Case]:
    """The cases whose timelines a correction of ``person`` by ``actor`` goes on: those of
    the person at the centres the actor writes at."""
    return list(Case.objects.writable_by(actor).filter(person_id=person.pk).order_by("pk"))


def household_correction_cases(actor: User | AnonymousUser, household: Household) -> list[Case]:
    """The cases whose timelines a correction of ``household`` by ``actor`` goes on (as it
    stands: persons a correction adds bring theirs too)."""
    persons = household.members.filter(person__isnull=False).values("person_id")
    return list(Case.objects.writable_by(actor).filter(person_id__in=persons).order_by("pk"))


def _text(value: str | None, field: str, model: type[models.Model]) -> str:
    value = (value or "").strip()
    # Callers name a text field of ``model``: a Field, never a relation.
    limit = cast("models.Field[object, object]", model._meta.get_field(field)).max_length
    if limit and len(value) > limit:
        raise _invalid(
            field,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": limit, "count": len(value)},
            "max_length",
        )
    return value


def person_corrections(user: User | AnonymousUser, person: Person) -> list[CaseEvent]:
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
    seen: set[str | int] = set()
    shown: list[CaseEvent] = []
    for event in events:
        key: str | int = event.detail.get("correction") or event.pk
        if key not in seen:
            seen.add(key)
            shown.append(event)
    return shown
