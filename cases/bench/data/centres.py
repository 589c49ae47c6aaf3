"""The builder's centres (the national one and one per district) and their users."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.contrib.auth import get_user_model

from cases.bench.data.builder import _Place
from cases.bench.data.constants import (
    BENCH_DISTRICT,
    CHAIR_USERNAME,
    FIRST_NAMES_FEMALE,
    LAST_NAMES,
    MINISTRY_USERNAME,
)
from centres.models import Centre, District, StaffAssignment, Subdistrict
from centres.reference import geography_load
from centres.roles import groups_load, roles_sync


class _Centres:
    """Centres and users: the places everything else is written at."""

    def places(self) -> list[_Place]:
        if not Subdistrict.objects.exists():
            geography_load()
        groups_load()
        national, _created = Centre.objects.get_or_create(
            code="NAT",
            defaults={
                "level": Centre.Level.NATIONAL,
                "name_th": "ศูนย์ประสานงานอาสาสมัครแห่งชาติ",
                "name_en": "National Volunteer Coordination Centre",
                "opened_on": dt.date(2017, 5, 25),
            },
        )
        districts = District.objects.all()
        if self.districts is not None:
            districts = districts.filter(code__in=self.districts)
        existing = {c.district_id: c for c in Centre.objects.filter(level=Centre.Level.DISTRICT)}
        new = [
            Centre(
                code=f"D{d.code}",
                level=Centre.Level.DISTRICT,
                parent=national,
                province_id=d.province_id,
                district_id=d.code,
                name_th=f"ศูนย์ประสานงาน อพม. {d.name_th}",
                name_en=f"{d.name_en} APM Centre",
                opened_on=dt.date(2019, 1, 15),
            )
            for d in districts.order_by("code")
            if d.code not in existing
        ]
        Centre.objects.bulk_create(new)
        centres = [
            existing.get(d.code) or next(c for c in new if c.district_id == d.code)
            for d in districts.order_by("code")
        ]
        users = self.users(centres)
        subdistricts = defaultdict(list)
        for code, district, postcode in Subdistrict.objects.filter(
            district__in=[c.district_id for c in centres]
        ).values_list("code", "district_id", "postcode"):
            subdistricts[district].append((code, postcode))
        self.say(f"centres: {len(centres):,} ({len(new):,} new), users and role groups")
        return [
            _Place(
                centre_id=c.pk,
                code=c.code,
                district=c.district_id,
                # Bigger districts hold more volunteers and cases: weights from 1 to 6, the
                # same for a district whatever else is built; the chair's is among the biggest.
                weight=6
                if c.district_id == BENCH_DISTRICT
                else random.Random(f"{self.seed}:{c.code}").randint(1, 6),  # noqa: S311
                chair_user=users[c.pk],
                subdistricts=subdistricts[c.district_id],
            )
            for c in centres
        ]

    def users(self, centres: list[Centre]) -> dict[int, int]:
        """A chair user per centre (Bang Khen's is ``bench-chair``) and the ministry
        administrator, each with their assignment and role groups. Returns centre -> user."""
        User = get_user_model()
        Role = StaffAssignment.Role
        chairs = dict(
            StaffAssignment.objects.filter(role=Role.CHAIR, centre__in=centres).values_list(
                "centre_id", "user_id"
            )
        )
        synced = []
        if not User.objects.filter(username=MINISTRY_USERNAME).exists():
            admin = User.objects.create_user(
                MINISTRY_USERNAME, first_name="ผู้ดูแล", last_name="กระทรวง"
            )
            StaffAssignment.objects.create(
                user=admin, role=Role.MINISTRY_ADMIN, starts_on=dt.date(2017, 5, 25)
            )
            synced.append(admin)
        for centre in centres:
            if centre.pk in chairs:
                continue
            bench = centre.district_id == BENCH_DISTRICT
            user = User.objects.create_user(
                CHAIR_USERNAME if bench else f"chair-{centre.code.lower()}",
                first_name=self.rng.choice(FIRST_NAMES_FEMALE),
                last_name=self.rng.choice(LAST_NAMES),
            )
            StaffAssignment.objects.create(
                user=user, role=Role.CHAIR, centre=centre, starts_on=dt.date(2019, 1, 15)
            )
            chairs[centre.pk] = user.pk
            synced.append(user)
        for user in synced:
            roles_sync(user)
        return chairs
