"""The builder's volunteers, their registrations and history, memberships, events and
attendance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from cases.bench.data.builder import _Place
from cases.bench.data.constants import (
    MEMBERSHIP_SHARE,
    ORGANISATIONS,
    PROGRAMME_WEIGHTS,
    REGISTRATION_STATUSES,
    volunteer_national_id,
)
from cases.bench.data.loader import _Loader
from volunteers.models import (
    Attendance,
    CentreRole,
    Event,
    Membership,
    Organisation,
    Registration,
    RegistrationStatusChange,
    Volunteer,
)


class _Volunteers:
    """Volunteers and all that hangs on them."""

    def volunteers(self, places: list[_Place], count: int) -> dict[int, list[int]]:
        """Volunteers and all that hangs on them. Returns centre -> its new active volunteers."""
        rng = self.rng
        loader = _Loader(
            {
                Volunteer: [
                    "id",
                    "national_id",
                    "passport_number",
                    "nationality",
                    "name_latin",
                    "title",
                    "first_name",
                    "last_name",
                    "birth_date",
                    "sex",
                    "phone",
                    "house_number",
                    "subdistrict_id",
                    "postcode",
                    "created_at",
                ],
                Registration: [
                    "id",
                    "volunteer_id",
                    "programme",
                    "centre_id",
                    "number",
                    "registered_on",
                    "status",
                    "ended_on",
                    "end_reason",
                    "suspended_on",
                    "suspension_reason",
                    "other_ministry",
                ],
                RegistrationStatusChange: [
                    "id",
                    "registration_id",
                    "from_status",
                    "to_status",
                    "on",
                    "reason",
                    "actor_id",
                    "at",
                ],
                CentreRole: ["id", "volunteer_id", "centre_id", "role", "starts_on"],
                Membership: ["id", "volunteer_id", "organisation_id", "role", "since"],
                Event: [
                    "id",
                    "kind",
                    "title",
                    "organiser_id",
                    "starts_on",
                    "ends_on",
                    "venue",
                    "capacity",
                ],
                Attendance: ["id", "event_id", "volunteer_id", "role", "attended", "hours"],
            },
            fast=self.fast,
            say=self.say,
        )
        organisations = [
            Organisation.objects.get_or_create(name=name, defaults={"kind": "network"})[0].pk
            for name in ORGANISATIONS
        ]
        chaired = set(CentreRole.objects.filter(role="chair").values_list("centre_id", flat=True))
        programmes, programme_weights = zip(*PROGRAMME_WEIGHTS.items(), strict=True)
        weights = [p.weight for p in places]
        active: dict[int, list[int]] = defaultdict(list)
        with loader:
            for place in rng.choices(places, weights, k=count):
                vid = loader[Volunteer].take_id()
                first = rng.choices(programmes, programme_weights)[0]
                sex, title, first_name, last_name = self.name()
                birth = self.day(dt.date(1950, 1, 1), dt.date(2000, 12, 31))
                subdistrict, postcode = rng.choice(place.subdistricts)
                if first == "foreign":
                    identity = (None, f"MA{vid:07d}", "MM", f"Aung Min {vid}")
                else:
                    identity = (volunteer_national_id(vid), "", "", "")
                loader[Volunteer].add(
                    vid,
                    *identity,
                    title,
                    first_name,
                    last_name,
                    birth,
                    sex,
                    f"+668{rng.randrange(10**8):08d}",
                    str(rng.randrange(1, 300)),
                    subdistrict,
                    postcode,
                    self.at(self.first_day),
                )
                chosen = [first]
                if rng.random() < 0.1:  # one in ten also serves in a second programme
                    others = [p for p in programmes if p not in (first, "foreign")]
                    chosen.append(rng.choice(others))
                for programme in chosen:
                    if self.registration(loader, place, vid, programme):
                        active[place.centre_id].append(vid)
                if place.centre_id not in chaired:
                    chaired.add(place.centre_id)
                    loader[CentreRole].add(
                        loader[CentreRole].take_id(), vid, place.centre_id, "chair", self.first_day
                    )
                if rng.random() < MEMBERSHIP_SHARE:
                    loader[Membership].add(
                        loader[Membership].take_id(),
                        vid,
                        rng.choice(organisations),
                        "สมาชิก",
                        self.day(self.first_day),
                    )
                loader.maybe_flush()
            self.events(loader, places, active)
        self.report.counts.update(loader.counts())
        self.say("volunteers: " + self.written(loader))
        return active

    def registration(self, loader: _Loader, place: _Place, vid: int, programme: str) -> bool:
        """Write one registration (and its status history); whether it is active."""
        rng = self.rng
        rid = loader[Registration].take_id()
        registered = self.day(self.first_day)
        status = rng.choice(REGISTRATION_STATUSES)
        ended = suspended = None
        end_reason = suspension_reason = ""
        if status == "ended":
            ended, end_reason = self.day(registered), "ลาออก"
        elif status == "suspended":
            suspended, suspension_reason = self.day(registered), "ย้ายที่อยู่ชั่วคราว"
        loader[Registration].add(
            rid,
            vid,
            programme,
            place.centre_id,
            f"{rid:04d}/{registered.year + 543}",
            registered,
            status,
            ended,
            end_reason,
            suspended,
            suspension_reason,
            "กระทรวงสาธารณสุข" if programme == "ministry" else "",
        )
        if status != "active":
            on = ended or suspended
            loader[RegistrationStatusChange].add(
                loader[RegistrationStatusChange].take_id(),
                rid,
                "active",
                status,
                on,
                end_reason or suspension_reason,
                place.chair_user,
                self.at(on),
            )
        return status == "active"

    def events(self, loader: _Loader, places: list[_Place], active: dict[int, list[int]]) -> None:
        """Two events a centre (a training and a meeting), each attended by up to five of the
        centre's volunteers."""
        rng = self.rng
        for place in places:
            for kind, title, hours in (
                ("training", "อบรมหลักสูตร อพม.", Decimal("6.0")),
                ("meeting", "ประชุมประจำเดือน", Decimal("2.0")),
            ):
                eid = loader[Event].take_id()
                starts = self.day(self.first_day)
                loader[Event].add(
                    eid, kind, title, place.centre_id, starts, None, "ห้องประชุมสำนักงานเขต", 40
                )
                # A volunteer active in two programmes is on the list once.
                volunteers = sorted(set(active.get(place.centre_id, [])))
                for vid in rng.sample(volunteers, min(5, len(volunteers))):
                    loader[Attendance].add(
                        loader[Attendance].take_id(), eid, vid, "participant", True, hours
                    )
