"""The staff pages and the dashboards the benchmark requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from cases.bench.pages.records import Records, Request, _be
from centres.models import Centre
from volunteer_centre.forms import MAX_CHOICES


def staff_requests(user, records: Records) -> Iterator[Request]:
    """The desk, the case list (plain, filtered, searched), a case page and its forms, the
    intake (with a person search, and a new case saved), the volunteer list and page, a
    transfer, the accounts pages and the admin's index."""
    case, person, centre = records.case, records.person, records.centre
    cases = reverse("cases:case-list")
    yield Request("staff/desk", reverse("home"))
    yield Request("staff/cases/list", cases)
    yield Request("staff/cases/list filtered", f"{cases}?status=assisting&problem=poverty")
    yield Request("staff/cases/list search name", f"{cases}?q={records.thai_name}")
    yield Request("staff/cases/list search national ID", f"{cases}?q={person.national_id}")
    yield Request("staff/cases/list search case number", f"{cases}?q={case.number}")
    yield Request("staff/cases/case", reverse("cases:case-detail", args=[case.pk]))
    yield Request("staff/cases/person", reverse("cases:person-detail", args=[person.pk]))
    for name in (
        "visit-create",
        "assistance-create",
        "referral-create",
        "case-status",
        "case-assign",
        "case-edit",
        "case-unassign",
        "transfer-create",
    ):
        yield Request(f"staff/cases/case form {name}", reverse(f"cases:{name}", args=[case.pk]))
    yield Request("staff/cases/person edit", reverse("cases:person-edit", args=[person.pk]))
    if records.household:
        household = reverse("cases:household-edit", args=[records.household.pk])
        yield Request("staff/cases/household edit", household)
    if records.referral:
        referral = reverse("cases:referral-status", args=[records.referral.pk])
        yield Request("staff/cases/referral status form", referral)
    if records.consent:
        consent = reverse("cases:consent-withdraw", args=[records.consent.pk])
        yield Request("staff/cases/consent withdraw form", consent)
    if records.transfer:
        transfer = reverse("cases:transfer-detail", args=[records.transfer.pk])
        yield Request("staff/cases/transfer", transfer)
    today = timezone.localdate()
    yield Request(
        "staff/cases/case record visit",
        reverse("cases:visit-create", args=[case.pk]),
        method="POST",
        body=lambda: {
            "visited_on": _be(today),
            "findings": "เยี่ยมบ้าน",
            "next_follow_up_on": _be(today + dt.timedelta(days=14)),
        },
    )
    intake = reverse("cases:case-create")
    yield Request("staff/intake", intake)
    yield Request("staff/intake search person", f"{intake}?person_q={records.thai_name}")
    subdistrict = records.admin["centres.subdistrict"]
    # A user of more centres than a list holds types the centre's code (offer_centres).
    typed = Centre.objects.writable_by(user)[: MAX_CHOICES + 1].count() > MAX_CHOICES
    yield Request(
        "staff/intake new case",
        intake,
        method="POST",
        body=lambda: {
            "person_choice": "new",
            "confirm_new_person": "1",
            "person-title": "นาง",
            "person-first_name": "ทดลองระบบ",
            "person-last_name": "วัดความเร็ว",
            "person-no_id_reason": "unknown",
            "person-birth_date": "05/07/2508",
            "person-sex": "female",
            "person-province": centre.province_id,
            "person-district": centre.district_id,
            "person-subdistrict": subdistrict,
            "person-current_same_as_registered": "on",
            "case-centre": centre.code if typed else centre.pk,
            "case-opened_on": _be(today),
            "case-intake_channel": "walk_in",
            "case-reporter_type": "self",
            "case-problems": ["poverty"],
            "case-urgency": "normal",
        },
    )
    volunteers = reverse("volunteers:volunteer-list")
    volunteer, registration = records.volunteer, records.registration
    yield Request("staff/volunteers/list", volunteers)
    yield Request("staff/volunteers/list filtered", f"{volunteers}?programme=apm&status=active")
    yield Request("staff/volunteers/list search name", f"{volunteers}?q={volunteer.first_name}")
    if volunteer.national_id:
        yield Request(
            "staff/volunteers/list search national ID", f"{volunteers}?q={volunteer.national_id}"
        )
    yield Request(
        "staff/volunteers/list search registration number",
        f"{volunteers}?q={registration.number}",
    )
    yield Request(
        "staff/volunteers/volunteer", reverse("volunteers:volunteer-detail", args=[volunteer.pk])
    )
    yield Request("staff/volunteers/new volunteer form", reverse("volunteers:volunteer-create"))
    yield Request(
        "staff/volunteers/suspend form",
        reverse("volunteers:registration-suspend", args=[registration.pk]),
    )
    yield Request("staff/accounts/list", reverse("centres:account-list"))
    yield Request("staff/accounts/new account form", reverse("centres:account-create"))
    yield Request(
        "staff/accounts/account",
        reverse("centres:account-detail", args=[records.admin["auth.user"]]),
    )
    yield Request("staff/accounts/password change", reverse("centres:password-change"))
    yield Request("admin/index", reverse("admin:index"))


def dashboard_requests(records: Records) -> Iterator[Request]:
    """Every level down to the chair's district (the nation, its region, its province, the
    district), the nation filtered, and each level's eight exports."""
    centre = records.centre
    levels = [
        ("nation", reverse("dashboards:nation"), None),
        (f"region {centre.province.region_id}", None, ("region", centre.province.region_id)),
        (f"province {centre.province_id}", None, ("province", centre.province_id)),
        (f"district {centre.district_id}", None, ("district", centre.district_id)),
    ]
    yield Request("dashboards/index", reverse("dashboards:index"))
    yield Request(
        "dashboards/nation filtered",
        reverse("dashboards:nation") + "?programme=apm&problem=poverty",
    )
    for name, url, place in levels:
        yield Request(f"dashboards/{name}", url or reverse("dashboards:unit", args=place))
        for table in ("volunteers", "cases", "problems", "activity"):
            for fmt in ("csv", "xlsx"):
                if place is None:
                    export = reverse("dashboards:nation-export", args=[table, fmt])
                else:
                    export = reverse("dashboards:unit-export", args=[*place, table, fmt])
                yield Request(f"dashboards/{name}/export {table}.{fmt}", export)
