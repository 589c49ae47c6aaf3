"""Reading a case: its timeline, and the recorded persons who look like a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict, Unpack

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch
from django.utils import timezone

from cases.models import Assistance, Case, CaseEvent, Person, PersonQuerySet, Referral, Visit
from volunteers.models import Volunteer


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline; ``obj`` is a CaseEvent, Visit, Assistance or Referral."""

    date: dt.date
    recorded_at: dt.datetime
    kind: str
    obj: CaseEvent | Visit | Assistance | Referral


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
    entries = (
        [TimelineEntry(_event_day(case, e), e.at, "event", e) for e in events]
        + [TimelineEntry(v.visited_on, v.recorded_at, "visit", v) for v in visits]
        + [TimelineEntry(a.given_on, a.recorded_at, "assistance", a) for a in assistance]
        + [TimelineEntry(r.referred_on, r.recorded_at, "referral", r) for r in referrals]
    )
    entries.sort(key=lambda e: (e.date, e.recorded_at, _KIND_ORDER[e.kind], e.obj.pk))
    return entries


class DuplicateFields(TypedDict, total=False):
    """What a person is compared on (``PersonQuerySet.possible_duplicates``)."""

    national_id: str | None
    first_name: str
    last_name: str
    birth_date: dt.date | None
    district_code: str | None


def person_possible_duplicates(
    *,
    user: User | AnonymousUser,
    person: Person | None = None,
    exclude_pk: int | None = None,
    **fields: Unpack[DuplicateFields],
) -> PersonQuerySet:
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
