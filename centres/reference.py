"""Loading reference data: the geography from geothai, and the coordination centres the sources
name (docs/domain.md)."""

from __future__ import annotations

import datetime as dt
from typing import Required, TypedDict, TypeVar

import geothai
from django.db import transaction
from django.db.models import Model

from centres.models import (
    Centre,
    District,
    Province,
    Region,
    Subdistrict,
)
from centres.regions import PROVINCE_REGION, REGIONS

_M = TypeVar("_M", bound=Model)


def _sync(model: type[_M], rows: list[dict[str, object]], fields: list[str]) -> tuple[int, int]:
    """Create missing rows and update changed ones, keyed by primary key. Returns (new, changed)."""
    # _default_manager is these models' ``objects`` (they have no other manager); unlike
    # ``objects``, the type checker knows it on any model class.
    existing = model._default_manager.in_bulk([r["pk"] for r in rows])
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["pk"])
        values = {f: row[f] for f in fields}
        if obj is None:
            new.append(model(pk=row["pk"], **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            changed.append(obj)
    model._default_manager.bulk_create(new, batch_size=2000)
    if changed:
        model._default_manager.bulk_update(changed, fields, batch_size=2000)
    return len(new), len(changed)


@transaction.atomic
def geography_load() -> dict[str, tuple[int, int]]:
    """Load regions, provinces, districts and subdistricts; running it twice changes nothing."""
    result: dict[str, tuple[int, int]] = {}
    result["regions"] = _sync(
        Region,
        [{"pk": c, "name_th": th, "name_en": en, "sort_order": o} for c, th, en, o in REGIONS],
        ["name_th", "name_en", "sort_order"],
    )
    provinces = geothai.provinces()
    result["provinces"] = _sync(
        Province,
        [
            {
                "pk": p.code,
                "name_th": p.name_th,
                "name_en": p.name_en,
                "region_id": PROVINCE_REGION[p.code],
            }
            for p in provinces
        ],
        ["name_th", "name_en", "region_id"],
    )
    districts = [d for p in provinces for d in geothai.districts(p.code)]
    result["districts"] = _sync(
        District,
        [
            {
                "pk": d.code,
                "name_th": d.name_th,
                "name_en": d.name_en,
                "province_id": d.province_code,
            }
            for d in districts
        ],
        ["name_th", "name_en", "province_id"],
    )
    subdistricts = [s for d in districts for s in geothai.subdistricts(d.code)]
    result["subdistricts"] = _sync(
        Subdistrict,
        [
            {
                "pk": s.code,
                "name_th": s.name_th,
                "name_en": s.name_en,
                "district_id": s.district_code,
                "postcode": s.postal_codes[0],
                "postcodes": " ".join(s.postal_codes),
            }
            for s in subdistricts
        ],
        ["name_th", "name_en", "district_id", "postcode", "postcodes"],
    )
    return result


NATIONAL_CENTRE_CODE = "NAT"


class CentreSpec(TypedDict, total=False):
    """A reference centre as its source gives it: a district centre names its district (and
    perhaps its subdistrict), the national centre its level and Thai name."""

    code: Required[str]
    name_en: Required[str]
    name_th: str
    level: Centre.Level
    district: str
    subdistrict: str
    opened_on: dt.date
    opening_venue: str


# The national centre and the 11 Bangkok district centres named in the source articles
# (docs/domain.md). Opening dates and places only where a source gives them; unknown stays empty.
# Each place is where the source says the centre was opened ("เปิดศูนย์ประสานงานฯ ณ ..."), quoted
# as the source writes it, so all of them go in opening_venue; the centre's postal address is
# left to the ministry.
CENTRES: list[CentreSpec] = [
    {
        "code": NATIONAL_CENTRE_CODE,
        "level": Centre.Level.NATIONAL,
        "name_th": "ศูนย์ประสานงานอาสาสมัครแห่งชาติ",
        "name_en": "National Volunteer Coordination Centre",
        "opened_on": dt.date(2017, 5, 25),
        # seeds/000: "ที่โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร"
        "opening_venue": "โรงแรมปริ๊นซ์ พาเลซ มหานาค กรุงเทพมหานคร",
    },
    {"code": "KTY", "district": "1033", "name_en": "Khlong Toei"},
    {"code": "DMG", "district": "1036", "name_en": "Don Mueang", "opened_on": dt.date(2018, 5, 15)},
    {"code": "KSW", "district": "1046", "name_en": "Khlong Sam Wa"},
    {"code": "BBN", "district": "1050", "name_en": "Bang Bon"},
    {"code": "TLC", "district": "1019", "name_en": "Taling Chan"},
    {
        "code": "WTL",
        "district": "1045",
        "name_en": "Wang Thonglang",
        "opened_on": dt.date(2018, 7, 5),
    },
    {"code": "LPR", "district": "1038", "name_en": "Lat Phrao"},
    {"code": "BKY", "district": "1016", "name_en": "Bangkok Yai"},
    {"code": "NCK", "district": "1003", "name_en": "Nong Chok"},
    {
        "code": "BKN",
        "district": "1005",
        "subdistrict": "100502",
        "name_en": "Bang Khen",
        "opened_on": dt.date(2019, 3, 11),
        # seeds/003, as written there (Thai digits included).
        "opening_venue": (
            "ที่ทำการชุมชน หมู่บ้านพร้อมสุข (ซ. รามอินทรา ๘) แขวงอนุสาวรีย์ เขตบางเขน กรุงเทพมหานคร"
        ),
    },
    {
        "code": "TWT",
        "district": "1048",
        "subdistrict": "104802",
        "name_en": "Thawi Watthana",
        "opened_on": dt.date(2019, 3, 12),
        # seeds/003 writes "ทำการสุขภาพ", not "ที่ทำการ": quoted, not corrected.
        "opening_venue": "ทำการสุขภาพ เลียบคลองทวีวัฒนา แขวงศาลาธรรมสพน์ เขตทวีวัฒนา กรุงเทพมหานคร",
    },
]


def _centre_values(spec: CentreSpec, national: Centre | None) -> dict[str, object]:
    """Every field of a reference centre that its source gives."""
    values: dict[str, object] = {
        "level": spec.get("level", Centre.Level.DISTRICT),
        "opened_on": spec.get("opened_on"),
        "opening_venue": spec.get("opening_venue", ""),
    }
    if "district" not in spec:
        return values | {"name_th": spec["name_th"], "name_en": spec["name_en"]}
    district = District.objects.select_related("province").get(pk=spec["district"])
    bare = district.name_th.removeprefix("เขต")
    values |= {
        "district": district,
        "province": district.province,
        "parent": national,
        "name_th": f"ศูนย์ประสานงาน อพม. เขต{bare}",
        "name_en": f"{spec['name_en']} District Volunteer Coordination Centre",
    }
    if "subdistrict" in spec:
        values["subdistrict"] = Subdistrict.objects.get(pk=spec["subdistrict"])
    return values


@transaction.atomic
def centres_load() -> int:
    """Create the reference centres that are missing, with every field their sources give; on a
    centre that exists, fill only the fields still empty. The ministry edits these centres in
    the admin (a corrected date, a new address, a renamed centre), and bin/run loads the
    reference data on every start: what an administrator changed is never put back.
    Returns how many centres were created."""
    created = 0
    national: Centre | None = None
    for spec in CENTRES:
        values = _centre_values(spec, national)
        centre = Centre.objects.filter(code=spec["code"]).first()
        if centre is None:
            centre = Centre.objects.create(code=spec["code"], **values)
            created += 1
        else:
            missing = [
                field
                for field, value in values.items()
                if getattr(centre, field) in (None, "") and value not in (None, "")
            ]
            for field in missing:
                setattr(centre, field, values[field])
            if missing:
                centre.save(update_fields=missing)
        if centre.level == Centre.Level.NATIONAL:
            national = centre
    return created
