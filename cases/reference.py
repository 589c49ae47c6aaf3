"""The starter list of partner agencies, loaded with the reference data.

Only names that are real: one provincial social development office (พมจ.) per province, the
Department of Social Development and Welfare itself for Bangkok (which has no พมจ.; the
department acts directly there), the ministry's 1300 hotline centre, and generic kinds of
partner (a hospital, a police station, a school...) for the centres to refine in the admin
with the real offices of their area. Nothing here names an office we could not confirm.
"""

from django.db import transaction

from cases.models import Agency
from centres.models import Province

BANGKOK = "10"

T = Agency.Type

# name_th, name_en, type, internal to the ministry
GENERIC_AGENCIES = [
    ("ศูนย์ช่วยเหลือสังคม สายด่วน 1300", "Social Assistance Center, hotline 1300", T.MINISTRY_UNIT, True),
    ("ทีม พม. จังหวัด (One Home)", "Provincial ministry team (One Home)", T.MINISTRY_UNIT, True),
    ("สถานคุ้มครองคนไร้ที่พึ่ง", "Protection centre for destitute persons", T.PROTECTION_CENTRE, True),
    ("บ้านพักเด็กและครอบครัว", "Children and family shelter", T.SHELTER, True),
    ("โรงพยาบาล", "Hospital", T.HEALTH, False),
    ("โรงพยาบาลส่งเสริมสุขภาพตำบล (รพ.สต.)", "Subdistrict health promoting hospital", T.HEALTH, False),
    ("ศูนย์บริการสาธารณสุข", "Public health centre", T.HEALTH, False),
    ("สถานีตำรวจ", "Police station", T.POLICE, False),
    ("ที่ว่าการอำเภอ", "District office", T.DISTRICT_OFFICE, False),
    ("สำนักงานเขต (กรุงเทพมหานคร)", "District office (Bangkok)", T.DISTRICT_OFFICE, False),
    (
        "องค์การบริหารส่วนตำบล (อบต.)",
        "Subdistrict administrative organisation",
        T.LOCAL_GOVERNMENT,
        False,
    ),
    ("เทศบาล", "Municipality", T.LOCAL_GOVERNMENT, False),
    ("โรงเรียน", "School", T.SCHOOL, False),
    ("มูลนิธิหรือองค์กรพัฒนาเอกชน", "Foundation or NGO", T.FOUNDATION, False),
]

DSDW_BANGKOK = (
    "กรมพัฒนาสังคมและสวัสดิการ (ส่วนกลาง)",
    "Department of Social Development and Welfare (central)",
    T.MINISTRY_UNIT,
    True,
)


def agency_rows() -> list[dict]:
    """Every starter agency as field values; provinces come from the loaded geography."""
    rows = [
        {
            "name_th": f"สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด{p.name_th}",
            "name_en": f"{p.name_en} Provincial Office of Social Development and Human Security",
            "type": T.PROVINCIAL_OFFICE,
            "internal": True,
            "province_id": p.code,
        }
        for p in Province.objects.exclude(code=BANGKOK).order_by("code")
    ]
    name_th, name_en, kind, internal = DSDW_BANGKOK
    rows.append(
        {
            "name_th": name_th,
            "name_en": name_en,
            "type": kind,
            "internal": internal,
            "province_id": BANGKOK,
        }
    )
    rows += [
        {"name_th": th, "name_en": en, "type": kind, "internal": internal, "province_id": None}
        for th, en, kind, internal in GENERIC_AGENCIES
    ]
    return rows


@transaction.atomic
def agencies_load() -> tuple[int, int]:
    """Create the starter agencies that are missing, with all their fields (get_or_create on
    the Thai name and province). An agency already recorded is left exactly as it is: its
    English name, type, internal flag, phone, address and active flag may have been edited in
    the admin, and reloading the reference data must not undo that. Returns (new, changed);
    changed is always 0, kept for the reference-data summary."""
    existing = set(Agency.objects.values_list("name_th", "province_id"))
    new = [
        Agency(**row)
        for row in agency_rows()
        if (row["name_th"], row["province_id"]) not in existing
    ]
    # ignore_conflicts: two loads at once create each agency once.
    Agency.objects.bulk_create(new, ignore_conflicts=True)
    return len(new), 0
