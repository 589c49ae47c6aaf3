"""The builder's persons and cases, with their events, visits, assistance, consents,
referrals, assigned volunteers and households, and the centres' case counters."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from cases.bench.data.builder import _Place
from cases.bench.data.constants import (
    AMOUNTS,
    ASSIGNED_SHARE,
    ASSISTANCE_SHARE,
    CASE_STATUS_WEIGHTS,
    CONSENT_PURPOSE,
    FIRST_NAMES_FEMALE,
    HOUSEHOLD_SHARE,
    INTAKE_CHANNELS,
    LEGAL_BASIS_NOTE,
    PERSON_BORN_FROM,
    PERSON_BORN_TO,
    PERSON_ID_SHARE,
    REFERRAL_REASON,
    REFERRAL_SHARE,
    REFERRAL_STATUSES,
    REPORTER_TYPES,
    URGENCIES,
    URGENCY_WEIGHTS,
    VISIT_FINDINGS,
    VISITS_PER_CASE,
    N,
    person_national_id,
)
from cases.bench.data.loader import _Loader
from cases.models import (
    Agency,
    Assistance,
    AssistanceItem,
    Case,
    CaseAssignment,
    CaseCounter,
    CaseEvent,
    Consent,
    Household,
    HouseholdMember,
    Person,
    Problem,
    Referral,
    Visit,
)
from cases.reference import agencies_load
from volunteer_centre.thai import fiscal_year
from volunteers.models import Registration


class _Cases:
    """Cases, each with its person and what hangs on the case."""

    def cases(self, places: list[_Place], count: int) -> None:
        """Cases, each with its person and what hangs on the case."""
        rng = self.rng
        loader = _Loader(
            {
                Person: [
                    "id",
                    "title",
                    "first_name",
                    "last_name",
                    "national_id",
                    "no_id_reason",
                    "birth_date",
                    "sex",
                    "house_number",
                    "subdistrict_id",
                    "postcode",
                    "phone",
                    "centre_id",
                    "created_by_id",
                    "created_at",
                ],
                Household: ["id", "name", "centre_id", "created_at"],
                HouseholdMember: [
                    "id",
                    "household_id",
                    "person_id",
                    "name",
                    "relation",
                    "occupation",
                    "monthly_income",
                ],
                Case: [
                    "id",
                    "number",
                    "centre_id",
                    "fiscal_year",
                    "sequence",
                    "person_id",
                    "intake_channel",
                    "reporter_type",
                    "problems",
                    "urgency",
                    "summary",
                    "status",
                    "opened_on",
                    "closed_on",
                    "closure_reason",
                    "created_by_id",
                    "created_at",
                ],
                Visit: [
                    "id",
                    "case_id",
                    "visited_on",
                    "findings",
                    "next_follow_up_on",
                    "recorded_by_id",
                    "recorded_at",
                ],
                Assistance: [
                    "id",
                    "case_id",
                    "kind",
                    "programme",
                    "description",
                    "amount",
                    "given_on",
                    "provider_centre_id",
                    "recorded_by_id",
                    "recorded_at",
                ],
                AssistanceItem: ["id", "assistance_id", "name", "quantity", "unit"],
                Consent: [
                    "id",
                    "case_id",
                    "given_by",
                    "purpose",
                    "given_on",
                    "recorded_by_id",
                    "recorded_at",
                ],
                Referral: [
                    "id",
                    "case_id",
                    "agency_id",
                    "referred_on",
                    "reason",
                    "basis",
                    "consent_id",
                    "basis_note",
                    "status",
                    "answered_on",
                    "finished_on",
                    "recorded_by_id",
                    "recorded_at",
                ],
                CaseAssignment: ["id", "case_id", "volunteer_id", "assigned_on", "assigned_by_id"],
                CaseEvent: [
                    "id",
                    "case_id",
                    "kind",
                    "from_status",
                    "to_status",
                    "referral_id",
                    "actor_id",
                    "at",
                    "note",
                    "detail",
                ],
            },
            fast=self.fast,
            say=self.say,
        )
        agencies_load()
        agencies = list(Agency.objects.values_list("pk", flat=True))
        active: dict[int, list[int]] = defaultdict(list)
        for centre_id, volunteer_id in Registration.objects.filter(
            status="active", centre__in=[p.centre_id for p in places]
        ).values_list("centre_id", "volunteer_id"):
            active[centre_id].append(volunteer_id)
        counters = defaultdict(int)
        for centre_id, fy, last in CaseCounter.objects.values_list(
            "centre_id", "fiscal_year", "last_sequence"
        ):
            counters[centre_id, fy] = last
        statuses, status_weights = zip(*CASE_STATUS_WEIGHTS.items(), strict=True)
        problems = list(Problem.values)
        with loader:
            for place in rng.choices(places, [p.weight for p in places], k=count):
                opened = self.day(self.first_day)
                fy = fiscal_year(opened)
                counters[place.centre_id, fy] += 1
                status = rng.choices(statuses, status_weights)[0]
                self.case(
                    loader,
                    place,
                    opened,
                    fy,
                    counters[place.centre_id, fy],
                    status,
                    rng.sample(problems, rng.choice([1, 1, 1, 2, 3])),
                    agencies,
                    active[place.centre_id],
                )
                loader.maybe_flush()
        self.report.counts.update(loader.counts())
        self.say("cases: " + self.written(loader))
        CaseCounter.objects.bulk_create(
            [
                CaseCounter(centre_id=c, fiscal_year=fy, last_sequence=n)
                for (c, fy), n in counters.items()
            ],
            update_conflicts=True,
            unique_fields=["centre", "fiscal_year"],
            update_fields=["last_sequence"],
        )

    def case(self, loader, place, opened, fy, sequence, status, problems, agencies, volunteers):
        """One case with its person, events, visits, assistance, consent, referral, assigned
        volunteer and household. The build's hot loop, so its lines are written as text
        directly: every value is a number, a date or a constant without tabs or backslashes,
        and ``N`` is COPY's NULL."""
        rng = self.rng
        random_ = rng.random
        day_in = self.day
        at_in = self.at
        chair = place.chair_user
        centre = place.centre_id
        tables = loader.tables
        events = tables[CaseEvent]
        at = at_in(opened)
        pid = tables[Person].take_id()
        sex, title, first_name, last_name = self.name()
        subdistrict, postcode = rng.choice(place.subdistricts)
        if random_() < PERSON_ID_SHARE:
            identity = f"{person_national_id(pid)}\t"
        else:
            identity = f"{N}\tunknown"
        tables[Person].line(
            f"{pid}\t{title}\t{first_name}\t{last_name}\t{identity}\t"
            f"{day_in(PERSON_BORN_FROM, PERSON_BORN_TO)}\t{sex}\t"
            f"{rng.randrange(1, 500)}/{rng.randrange(1, 30)}\t{subdistrict}\t{postcode}\t"
            f"+668{rng.randrange(10**8):08d}\t{centre}\t{chair}\t{at}"
        )
        if random_() < HOUSEHOLD_SHARE:
            members = tables[HouseholdMember]
            hid = tables[Household].take_id()
            tables[Household].line(f"{hid}\tครอบครัว{last_name}\t{centre}\t{at}")
            members.line(f"{members.take_id()}\t{hid}\t{pid}\t\thead\tรับจ้างทั่วไป\t6000.00")
            spouse = f"{rng.choice(FIRST_NAMES_FEMALE)} {last_name}"
            members.line(f"{members.take_id()}\t{hid}\t{N}\t{spouse}\tspouse\tค้าขาย\t4500.00")
        cid = tables[Case].take_id()
        closed = day_in(opened) if status == "closed" else None
        tables[Case].line(
            f"{cid}\t{place.code}-{fy}-{sequence:04d}\t{centre}\t{fy}\t{sequence}\t{pid}\t"
            f"{rng.choice(INTAKE_CHANNELS)}\t{rng.choice(REPORTER_TYPES)}\t"
            f"{{{','.join(problems)}}}\t{rng.choices(URGENCIES, URGENCY_WEIGHTS)[0]}\t"
            f"ครอบครัวมีรายได้ไม่พอเลี้ยงชีพ\t{status}\t{opened}\t"
            f"{closed or N}\t{'resolved' if closed else ''}\t{chair}\t{at}"
        )
        events.line(f"{events.take_id()}\t{cid}\topened\t\tnew\t{N}\t{chair}\t{at}\t\t{{}}")
        last_day = closed or self.today
        visits = tables[Visit]
        for _ in range(rng.choice(VISITS_PER_CASE)):
            vid = visits.take_id()
            day = day_in(opened, last_day)
            follow = day + dt.timedelta(days=rng.choice((7, 14, 30))) if random_() < 0.7 else N
            when = at_in(day)
            visits.line(f"{vid}\t{cid}\t{day}\t{VISIT_FINDINGS}\t{follow}\t{chair}\t{when}")
            events.line(
                f'{events.take_id()}\t{cid}\tvisit\t\t\t{N}\t{chair}\t{when}\t\t{{"visit": {vid}}}'
            )
        if random_() < ASSISTANCE_SHARE:
            assistance = tables[Assistance]
            aid = assistance.take_id()
            day = day_in(opened, last_day)
            when = at_in(day)
            amount = rng.choice(AMOUNTS)
            if random_() < 0.5:
                kind = "money\tlow_income_grant\t"
            else:
                kind = "goods\t\tถุงยังชีพ"
                items = tables[AssistanceItem]
                items.line(f"{items.take_id()}\t{aid}\tถุงยังชีพ\t{rng.randint(1, 3)}\tถุง")
            assistance.line(f"{aid}\t{cid}\t{kind}\t{amount}\t{day}\t{centre}\t{chair}\t{when}")
            events.line(
                f"{events.take_id()}\t{cid}\tassistance\t\t\t{N}\t{chair}\t{when}\t\t"
                f'{{"assistance": {aid}}}'
            )
        if random_() < REFERRAL_SHARE:
            referrals = tables[Referral]
            rid = referrals.take_id()
            day = day_in(opened, last_day)
            when = at_in(day)
            if random_() < 0.5:
                consent = tables[Consent].take_id()
                tables[Consent].line(
                    f"{consent}\t{cid}\tself\t{CONSENT_PURPOSE}\t{day}\t{chair}\t{when}"
                )
                basis = f"consent\t{consent}\t"
            else:
                basis = f"legal_duty\t{N}\t{LEGAL_BASIS_NOTE}"
            answer = rng.choice(REFERRAL_STATUSES)
            answered = day_in(day, last_day) if answer != "sent" else N
            finished = answered if answer == "done" else N
            agency = rng.choice(agencies)
            referrals.line(
                f"{rid}\t{cid}\t{agency}\t{day}\t{REFERRAL_REASON}\t{basis}\t"
                f"{answer}\t{answered}\t{finished}\t{chair}\t{when}"
            )
            events.line(f"{events.take_id()}\t{cid}\treferral\t\t\t{rid}\t{chair}\t{when}\t\t{{}}")
        if volunteers and random_() < ASSIGNED_SHARE:
            volunteer = rng.choice(volunteers)
            assignments = tables[CaseAssignment]
            assignments.line(f"{assignments.take_id()}\t{cid}\t{volunteer}\t{opened}\t{chair}")
            events.line(
                f"{events.take_id()}\t{cid}\tassigned\t\t\t{N}\t{chair}\t{at}\t\t"
                f'{{"volunteers": [{volunteer}]}}'
            )
        if status != "new":
            when = at_in(closed or day_in(opened))
            detail = '{"closure_reason": "resolved"}' if closed else "{}"
            events.line(
                f"{events.take_id()}\t{cid}\tstatus\tnew\t{status}\t{N}\t{chair}\t"
                f"{when}\t\t{detail}"
            )
