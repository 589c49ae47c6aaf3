"""The demo cases besides the 2019 story, dated relative to the day of loading, and the steps
each goes through after opening."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cases import services
from cases.demo._common import D, S, _agency
from cases.models import (
    AssistanceKind,
    AssistanceProgramme,
    Case,
    ClosureReason,
    IntakeChannel,
    LawfulBasis,
    NoIdReason,
    Problem,
    ReporterType,
    RiskFlag,
    TargetGroup,
    Urgency,
)
from volunteers.models import Sex


def _fy_start(today: dt.date) -> dt.date:
    """1 October that began the fiscal year of ``today``."""
    return D(today.year if today.month >= 10 else today.year - 1, 10, 1)


def other_cases(today: dt.date) -> list:
    """The demo cases besides the 2019 story, dated relative to ``today`` so that whatever
    day the demo is loaded the dashboards and the desk have something to show: open cases of
    the current fiscal year, follow-ups due this week, a few overdue cases, and older cases of
    the year before (one closed, one overdue). The same shape every time.

    Each entry: centre, person fields, case fields, the steps after opening.
    """
    start = _fy_start(today)
    week_end = today + dt.timedelta(days=6 - today.weekday())  # the desk's "this week"

    def this_year(days_ago: int) -> dt.date:
        # Never before this fiscal year began, so the case counts in the current year.
        return max(today - dt.timedelta(days=days_ago), start)

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    def after(day: dt.date, days: int) -> dt.date:
        # A step some days after another, but never in the future.
        return min(day + dt.timedelta(days=days), today)

    prayoon, kanya, sombat = this_year(20), this_year(2), this_year(40)
    pimchanok, saisunee = this_year(5), this_year(12)
    return [
        (
            "BKN",
            {
                "title": "นาย",
                "first_name": "ประยูร",
                "last_name": "ศรีสุข",
                "national_id": 3,
                "birth_date": D(1948, 2, 11),
                "sex": Sex.MALE,
                "target_groups": [TargetGroup.OLDER, TargetGroup.DISADVANTAGED],
            },
            {
                "opened_on": prayoon,
                "intake_channel": IntakeChannel.HOTLINE,
                "reporter_type": ReporterType.RELATIVE,
                "reporter_name": "นางสาวจันทร์เพ็ญ ศรีสุข",
                "problems": [Problem.OLDER_PEOPLE, Problem.POVERTY],
                "urgency": Urgency.NORMAL,
                "summary": "ผู้สูงอายุอยู่ลำพัง รายได้จากเบี้ยยังชีพเท่านั้น",
            },
            # Follow-up due today.
            ["assessing", ("visit", after(prayoon, 3), today)],
        ),
        (
            "TWT",
            {
                "title": "เด็กหญิง",
                "first_name": "กัญญา",
                "last_name": "ใจงาม",
                "national_id": 4,
                "birth_date": D(2014, 5, 30),
                "sex": Sex.FEMALE,
                "target_groups": [TargetGroup.CHILDREN],
            },
            {
                "opened_on": kanya,
                "intake_channel": IntakeChannel.HOTLINE,
                "reporter_type": ReporterType.PUBLIC,
                "reporter_anonymous": True,
                "problems": [Problem.FAMILY_VIOLENCE, Problem.CHILDREN_YOUTH],
                "risk_flags": [RiskFlag.CHILD_AT_RISK, RiskFlag.REPEATED_ABUSE],
                "urgency": Urgency.MOST_URGENT,
                "summary": "เพื่อนบ้านแจ้งว่าได้ยินเสียงทำร้ายร่างกายเด็กเป็นประจำ",
            },
            # Visited the day of the call; follow-up due this week.
            [
                "assessing",
                ("visit", kanya, week_end),
                "assisting",
                ("refer", "บ้านพักเด็กและครอบครัว", LawfulBasis.VITAL_INTEREST),
                "referred",
            ],
        ),
        (
            "KTY",
            {
                "title": "นาย",
                "first_name": "สมบัติ",
                "last_name": "ไม่ทราบนามสกุล",
                "no_id_reason": NoIdReason.UNKNOWN,
                "sex": Sex.MALE,
                "target_groups": [TargetGroup.DISADVANTAGED],
            },
            {
                "opened_on": sombat,
                "intake_channel": IntakeChannel.WALK_IN,
                "reporter_type": ReporterType.SELF,
                "problems": [Problem.HOMELESS, Problem.POVERTY],
                "urgency": Urgency.URGENT,
                "summary": "คนไร้ที่พึ่ง นอนบริเวณตลาด ไม่มีเอกสารประจำตัว",
            },
            # Helped and followed up in two weeks: neither due nor overdue.
            [
                "assessing",
                ("visit", after(sombat, 1), today + dt.timedelta(days=14)),
                "assisting",
                ("money", Decimal("3000"), AssistanceProgramme.LOW_INCOME_GRANT, after(sombat, 7)),
                "monitoring",
            ],
        ),
        (
            "DMG",
            {
                "title": "นางสาว",
                "first_name": "วิไลวรรณ",
                "last_name": "พึ่งบุญ",
                "national_id": 5,
                "birth_date": D(1990, 8, 8),
                "sex": Sex.FEMALE,
                "has_disability": True,
                "target_groups": [TargetGroup.DISABLED, TargetGroup.WOMEN],
            },
            {
                "opened_on": ago(180),
                "intake_channel": IntakeChannel.FIELD_VISIT,
                "reporter_type": ReporterType.VOLUNTEER,
                "problems": [Problem.DISABILITY],
                "urgency": Urgency.NORMAL,
                "summary": "ผู้พิการทางการเคลื่อนไหว ต้องการรถเข็นและการฝึกอาชีพ",
            },
            # Last fiscal year or so: helped and closed.
            [
                "assessing",
                ("visit", ago(177), None),
                "assisting",
                ("goods", "รถเข็นวีลแชร์", ago(162)),
                "monitoring",
                ("close", ClosureReason.RESOLVED, ago(90)),
            ],
        ),
        (
            "LPR",
            {
                "title": "นางสาว",
                "first_name": "พิมพ์ชนก",
                "last_name": "ดวงดี",
                "national_id": 6,
                "birth_date": D(2009, 11, 2),
                "sex": Sex.FEMALE,
                "target_groups": [TargetGroup.YOUTH, TargetGroup.WOMEN],
            },
            {
                "opened_on": pimchanok,
                "intake_channel": IntakeChannel.ONLINE,
                "reporter_type": ReporterType.SELF,
                "problems": [Problem.TEEN_PREGNANCY],
                "urgency": Urgency.URGENT,
                "summary": "ขอคำปรึกษาทางไลน์ ตั้งครรภ์ระหว่างเรียน",
            },
            # Follow-up due this week.
            ["assessing", ("visit", after(pimchanok, 1), week_end)],
        ),
        (
            "NCK",
            {
                "title": "นาง",
                "first_name": "สายสุนีย์",
                "last_name": "รักษ์ดี",
                "national_id": 7,
                "birth_date": D(1975, 3, 3),
                "sex": Sex.FEMALE,
                "target_groups": [TargetGroup.FAMILY],
            },
            {
                "opened_on": saisunee,
                "intake_channel": IntakeChannel.FIELD_VISIT,
                "reporter_type": ReporterType.VOLUNTEER,
                "problems": [Problem.HOUSING, Problem.POVERTY],
                "urgency": Urgency.NORMAL,
                "summary": "บ้านถูกลมพายุพัดหลังคาเสียหาย",
            },
            # Not visited yet: overdue once the first week has passed.
            [],
        ),
        (
            "WTL",
            {
                "title": "นาย",
                "first_name": "อนุชา",
                "last_name": "บุญมา",
                "national_id": 8,
                "birth_date": D(2001, 7, 19),
                "sex": Sex.MALE,
                "target_groups": [TargetGroup.YOUTH],
            },
            {
                "opened_on": ago(120),
                "intake_channel": IntakeChannel.REFERRAL_IN,
                "reporter_type": ReporterType.AGENCY,
                "reporter_name": "สถานีตำรวจ",
                "problems": [Problem.DRUGS],
                "urgency": Urgency.NORMAL,
                "summary": "ผ่านการบำบัดแล้ว ต้องการการติดตามและหางาน",
            },
            # The follow-up was missed a month ago: overdue.
            ["assessing", "assisting", ("visit", ago(105), ago(30))],
        ),
    ]


def _steps(actor, case: Case, steps, volunteers: list[int]) -> None:
    for step in steps:
        if isinstance(step, str):
            services.case_change_status(actor=actor, case=case, to_status=step)
            continue
        kind, *args = step
        if kind == "visit":
            visited_on, follow_up = args
            services.visit_record(
                actor=actor,
                case=case,
                visited_on=visited_on,
                volunteers=volunteers,
                findings="ลงพื้นที่เยี่ยมบ้าน พูดคุยกับผู้ประสบปัญหาและครอบครัว ประเมินความต้องการ",
                next_follow_up_on=follow_up,
            )
        elif kind == "money":
            amount, programme, given_on = args
            services.assistance_record(
                actor=actor,
                case=case,
                kind=AssistanceKind.MONEY,
                amount=amount,
                programme=programme,
                given_on=given_on,
            )
        elif kind == "goods":
            item, given_on = args
            services.assistance_record(
                actor=actor,
                case=case,
                kind=AssistanceKind.GOODS,
                given_on=given_on,
                items=[services.Item(item, 1, "คัน")],
            )
        elif kind == "refer":
            agency_name, basis = args
            services.referral_create(
                actor=actor,
                case=case,
                agency=_agency(agency_name),
                basis=basis,
                referred_on=case.opened_on,
                reason="ส่งต่อเพื่อคุ้มครองความปลอดภัยของเด็กโดยเร่งด่วน",
                basis_note="เด็กอยู่ในภาวะเสี่ยงต่อชีวิตและร่างกาย (พ.ร.บ.คุ้มครองเด็ก พ.ศ. 2546)",
            )
        elif kind == "close":
            reason, on = args
            services.case_change_status(
                actor=actor, case=case, to_status=S.CLOSED, closure_reason=reason, on=on
            )
