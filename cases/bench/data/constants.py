"""The benchmark's users, the names, shares and fixed texts its records are made of, and the
national IDs it gives."""

from __future__ import annotations

import datetime as dt

from stdnum.th import pin

from cases.models import IntakeChannel, ReferralStatus, ReporterType, Urgency

# The chair the pages are requested as works at the centre of Bang Khen (เขตบางเขน).
BENCH_DISTRICT = "1005"
MINISTRY_USERNAME = "bench-ministry"
CHAIR_USERNAME = "bench-chair"

FIRST_NAMES_MALE = [
    "สมชาย",
    "สมศักดิ์",
    "ประเสริฐ",
    "วิชัย",
    "สมพงษ์",
    "บุญมี",
    "สุรชัย",
    "ประยุทธ",
    "อนันต์",
    "ธนากร",
    "ณัฐพล",
    "กิตติพงษ์",
    "วีระ",
    "สุทธิพงษ์",
    "ชัยวัฒน์",
    "ธีรศักดิ์",
    "มานพ",
    "สมบัติ",
    "บุญเลิศ",
    "ปัญญา",
    "อำนาจ",
    "เกียรติศักดิ์",
    "ศักดิ์ชัย",
    "พงศกร",
    "ภานุวัฒน์",
]
FIRST_NAMES_FEMALE = [
    "สมศรี",
    "มาลี",
    "สมหญิง",
    "บุญเรือน",
    "ประไพ",
    "วันเพ็ญ",
    "สุนีย์",
    "กาญจนา",
    "อรุณี",
    "นภัสสร",
    "ปิยะนุช",
    "สุภาพร",
    "รัตนา",
    "จันทร์เพ็ญ",
    "พรทิพย์",
    "ศิริพร",
    "วรรณา",
    "อัญชลี",
    "ลำดวน",
    "ทองใบ",
    "บุษบา",
    "ชนิดา",
    "สุดารัตน์",
    "กัลยา",
    "นงลักษณ์",
]
LAST_NAMES = [
    "ศรีสุข",
    "ใจดี",
    "แสงทอง",
    "บุญมา",
    "สุขสวัสดิ์",
    "ทองดี",
    "พรหมมา",
    "จันทร์แก้ว",
    "วงศ์สวัสดิ์",
    "รุ่งเรือง",
    "ศรีสวัสดิ์",
    "แก้วมณี",
    "สายสุวรรณ",
    "ประเสริฐสุข",
    "มีสุข",
    "ทองคำ",
    "เพชรรัตน์",
    "สิทธิชัย",
    "บุญเรือง",
    "ชัยมงคล",
    "พึ่งบุญ",
    "อินทร์แก้ว",
    "คำภา",
    "ศรีวงศ์",
    "นาคประเสริฐ",
    "เจริญผล",
    "ยิ้มแย้ม",
    "สมบูรณ์",
    "ปานทอง",
    "กองแก้ว",
    "วิเศษศักดิ์",
    "มั่นคง",
    "อ่อนศรี",
    "จำปาทอง",
    "ดวงดี",
    "ไชยวงศ์",
    "บัวแก้ว",
    "ทองมา",
    "หอมจันทร์",
    "ศรีประเสริฐ",
]
ORGANISATIONS = [
    "มูลนิธิเพื่อนหญิง",
    "มูลนิธิกระจกเงา",
    "เครือข่ายอาสาสมัครชุมชน",
    "สภาเด็กและเยาวชน",
    "ชมรมผู้สูงอายุ",
    "สมาคมคนพิการ",
    "มูลนิธิสร้างเสริมไทย",
    "เครือข่ายจิตอาสาพระราชทาน",
    "ชมรมอาสาสมัครสาธารณสุข",
    "มูลนิธิบ้านพักฉุกเฉิน",
]

PROGRAMME_WEIGHTS = {"apm": 70, "aps": 15, "apmk": 8, "ministry": 2, "foreign": 2, "network": 3}
REGISTRATION_STATUSES = ["active"] * 85 + ["suspended"] * 3 + ["ended"] * 12
CASE_STATUS_WEIGHTS = {
    "new": 5,
    "assessing": 5,
    "assisting": 15,
    "referred": 10,
    "monitoring": 15,
    "closed": 50,
}
VISITS_PER_CASE = [0, 1, 1, 2, 3]  # 1.4 on average
ASSISTANCE_SHARE = 0.5
REFERRAL_SHARE = 0.3
ASSIGNED_SHARE = 0.3
HOUSEHOLD_SHARE = 0.1
MEMBERSHIP_SHARE = 0.1
PERSON_ID_SHARE = 0.9
PERSON_BORN_FROM, PERSON_BORN_TO = dt.date(1940, 1, 1), dt.date(2015, 12, 31)
AMOUNTS = ("600.00", "1000.00", "2000.00", "3000.00")
INTAKE_CHANNELS = tuple(IntakeChannel.values)
REPORTER_TYPES = tuple(ReporterType.values)
URGENCIES, URGENCY_WEIGHTS = tuple(Urgency.values), (80, 15, 5)
REFERRAL_STATUSES = tuple(ReferralStatus.values)
VISIT_FINDINGS = "เยี่ยมบ้าน พบผู้รับบริการและครอบครัว"
CONSENT_PURPOSE = "ส่งต่อข้อมูลเพื่อรับความช่วยเหลือ"
REFERRAL_REASON = "ส่งต่อเพื่อรับการช่วยเหลือ"
LEGAL_BASIS_NOTE = "พ.ร.บ.คุ้มครองเด็ก พ.ศ. 2546"
N = "\\N"  # COPY's NULL


def _national_id(prefix: str, n: int) -> str:
    body = f"{prefix}{n:011d}"
    return body + pin.calc_check_digit(body)


def volunteer_national_id(n: int) -> str:
    """The national ID of the ``n``-th volunteer the builder writes (3… : a valid check digit)."""
    return _national_id("3", n)


def person_national_id(n: int) -> str:
    return _national_id("1", n)
