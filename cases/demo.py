"""Demo cases at the Bangkok centres, for bin/run. Never in production.

Deterministic and idempotent: the persons are fixed, the 2019 story keeps its own dates and
the other cases are dated relative to the day of loading in a fixed shape (see
``other_cases``); each case is written once (a person already recorded at its centre is taken
as "already loaded"), and everything goes through cases.services as a ministry administrator
would. The people are fictional; the first
story follows the 2019 opening of the Bang Khen centre (docs/domain.md): volunteers visited
a family in hardship, who were given a bicycle and consumer goods and referred, with their
consent, to the partners of the One Home team; the partners helped, a follow-up visit found the
family better off and the case closed in June 2019. The story's events are dated on its days.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.th import pin

from cases import services
from cases.models import (
    Agency,
    AssistanceKind,
    AssistanceProgramme,
    Case,
    CaseStatus,
    ClosureReason,
    ConsentGiver,
    Household,
    HouseholdMember,
    IntakeChannel,
    LawfulBasis,
    NoIdReason,
    Person,
    Problem,
    Relation,
    ReporterType,
    RiskFlag,
    TargetGroup,
    Urgency,
)
from cases.reference import agencies_load
from centres.models import Centre, Subdistrict
from volunteers.models import Registration, Sex

D = dt.date
S = CaseStatus


def _national_id(n: int) -> str:
    body = f"3{1000 + n:04d}{n:07d}"[:12]
    return body + pin.calc_check_digit(body)


def _agency(name_th: str, province: str | None = None) -> Agency | None:
    return Agency.objects.filter(name_th=name_th, province_id=province).first()


def _volunteers(centre: Centre, count: int = 2) -> list[int]:
    """The first active volunteers of the centre (none if the registry demo has none there)."""
    return list(
        Registration.objects.filter(centre=centre, status=Registration.Status.ACTIVE)
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)
        .distinct()[:count]
    )


def _subdistrict(district_code: str, name_th: str | None = None) -> Subdistrict | None:
    qs = Subdistrict.objects.filter(district_id=district_code)
    if name_th:
        qs = qs.filter(name_th=name_th)
    return qs.order_by("code").first()


def _person(centre: Centre, actor, **fields) -> tuple[Person, bool]:
    """The demo person at ``centre`` (created when missing); True when created now."""
    person = Person.objects.filter(
        centre=centre, first_name=fields["first_name"], last_name=fields["last_name"]
    ).first()
    if person is not None:
        return person, False
    return Person.objects.create(centre=centre, created_by=actor, **fields), True


def _bang_khen_story(actor) -> None:
    """11 March 2019: the Bang Khen centre opens; volunteers visit a family in hardship."""
    centre = Centre.objects.get(code="BKN")
    anusawari = _subdistrict("1005", "อนุสาวรีย์")
    mother, created = _person(
        centre,
        actor,
        title="นาง",
        first_name="บุญเรือน",
        last_name="แสงทอง",
        national_id=_national_id(1),
        birth_date=D(1969, 6, 2),
        sex=Sex.FEMALE,
        target_groups=[TargetGroup.FAMILY, TargetGroup.DISADVANTAGED, TargetGroup.WOMEN],
        house_number="45/12",
        soi="รามอินทรา 8",
        road="รามอินทรา",
        subdistrict=anusawari,
        postcode=anusawari.postcode if anusawari else "",
        phone="+66812345601",
    )
    if not created:
        return
    son, _ = _person(
        centre,
        actor,
        title="เด็กชาย",
        first_name="ธนากร",
        last_name="แสงทอง",
        national_id=_national_id(2),
        birth_date=D(2008, 9, 14),
        sex=Sex.MALE,
        target_groups=[TargetGroup.CHILDREN, TargetGroup.FAMILY],
        subdistrict=anusawari,
    )
    household = Household.objects.create(name="ครอบครัวแสงทอง", centre=centre)
    HouseholdMember.objects.bulk_create(
        [
            HouseholdMember(household=household, person=mother, relation=Relation.HEAD,
                            occupation="รับจ้างทั่วไป", monthly_income=Decimal("4500")),
            HouseholdMember(household=household, person=son, relation=Relation.CHILD,
                            occupation="นักเรียน", monthly_income=Decimal("0")),
            HouseholdMember(household=household, name="นายสมปอง แสงทอง",
                            relation=Relation.PARENT, birth_date=D(1941, 1, 20),
                            occupation="ไม่ได้ทำงาน (ติดเตียง)"),
        ]
    )  # fmt: skip
    day = D(2019, 3, 11)
    volunteers = _volunteers(centre)
    case = services.case_open(
        actor=actor,
        centre=centre,
        person=mother,
        opened_on=day,
        intake_channel=IntakeChannel.FIELD_VISIT,
        reporter_type=ReporterType.VOLUNTEER,
        problems=[Problem.POVERTY, Problem.OLDER_PEOPLE],
        urgency=Urgency.URGENT,
        summary=(
            "ครอบครัวผู้อยู่ในสภาวะยากลำบาก มารดาหารายได้คนเดียว ดูแลบุตรวัยเรียนและบิดาสูงอายุที่ติดเตียง "
            "รายได้ไม่พอค่าใช้จ่าย"
        ),
        volunteers=volunteers,
    )
    case.events.update(at=_at(day, 10))
    with _dated(case, day, 10):
        services.case_change_status(actor=actor, case=case, to_status=S.ASSESSING)
    with _dated(case, day, 11):
        services.visit_record(
            actor=actor,
            case=case,
            visited_on=day,
            volunteers=volunteers,
            findings=(
                "ลงพื้นที่ร่วมกับรองอธิบดีกรมพัฒนาสังคมและสวัสดิการในวันเปิดศูนย์ประสานงาน อพม. เขตบางเขน "
                "บ้านเช่าสภาพทรุดโทรม ผู้สูงอายุติดเตียงต้องการอุปกรณ์ บุตรต้องเดินทางไปโรงเรียนไกล"
            ),
            next_follow_up_on=D(2019, 4, 11),
        )
        services.case_change_status(actor=actor, case=case, to_status=S.ASSISTING)
        services.assistance_record(
            actor=actor,
            case=case,
            kind=AssistanceKind.GOODS,
            given_on=day,
            items=[
                services.Item("รถจักรยาน", 1, "คัน"),
                services.Item("ชุดเครื่องอุปโภคบริโภค", 1, "ชุด"),
            ],
            description="มอบผ่านประธาน อพม. ในวันเปิดศูนย์",
            provider_agency=_agency("กรมพัฒนาสังคมและสวัสดิการ (ส่วนกลาง)", "10"),
        )
    with _dated(case, day, 12):
        consent = services.consent_record(
            actor=actor,
            case=case,
            given_by=ConsentGiver.SELF,
            purpose="ส่งต่อข้อมูลครอบครัวให้หน่วยงานภาคีเครือข่ายเพื่อพิจารณาให้ความช่วยเหลือ",
            given_on=day,
        )
        referral = services.referral_create(
            actor=actor,
            case=case,
            agency=_agency("ทีม พม. จังหวัด (One Home)"),
            referred_on=day,
            reason="ประสานส่งต่อเพื่อพิจารณาความช่วยเหลือผู้สูงอายุติดเตียงและทุนการศึกษาของบุตร",
            basis=LawfulBasis.CONSENT,
            consent=consent,
        )
        services.case_change_status(actor=actor, case=case, to_status=S.REFERRED)
    with _dated(case, D(2019, 3, 15), 14):
        services.referral_update_status(
            actor=actor, referral=referral, to_status="accepted", on=D(2019, 3, 15)
        )
    # The partners' help and the follow-up visit the first visit set; then the case closes, so
    # the story is history on the centre's desk, not a follow-up seven years overdue.
    with _dated(case, D(2019, 4, 5), 15):
        services.referral_update_status(
            actor=actor,
            referral=referral,
            to_status="done",
            on=D(2019, 4, 5),
            outcome="ได้รับเตียงผู้ป่วยสำหรับผู้สูงอายุ และบุตรได้รับทุนการศึกษา",
        )
    with _dated(case, D(2019, 4, 11), 11):
        services.visit_record(
            actor=actor,
            case=case,
            visited_on=D(2019, 4, 11),
            volunteers=volunteers,
            findings="ติดตามเยี่ยม ผู้สูงอายุได้รับเตียงแล้ว บุตรใช้รถจักรยานไปโรงเรียน",
        )
        services.case_change_status(actor=actor, case=case, to_status=S.MONITORING)
    with _dated(case, D(2019, 6, 28), 16):
        services.case_change_status(
            actor=actor,
            case=case,
            to_status=S.CLOSED,
            closure_reason=ClosureReason.RESOLVED,
            on=D(2019, 6, 28),
        )


@contextmanager
def _dated(case, day: dt.date, hour: int):
    """Dates the events that one step of a story records on the day it happened (at ``hour``
    in Bangkok), not the moment the demo is loaded. Only the demo does this: services always
    stamp their events with the time of recording."""
    after = case.events.aggregate(last=Max("pk"))["last"] or 0
    yield
    case.events.filter(pk__gt=after).update(at=_at(day, hour))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


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
            {"title": "นาย", "first_name": "ประยูร", "last_name": "ศรีสุข", "national_id": 3,
             "birth_date": D(1948, 2, 11), "sex": Sex.MALE,
             "target_groups": [TargetGroup.OLDER, TargetGroup.DISADVANTAGED]},
            {"opened_on": prayoon, "intake_channel": IntakeChannel.HOTLINE,
             "reporter_type": ReporterType.RELATIVE, "reporter_name": "นางสาวจันทร์เพ็ญ ศรีสุข",
             "problems": [Problem.OLDER_PEOPLE, Problem.POVERTY], "urgency": Urgency.NORMAL,
             "summary": "ผู้สูงอายุอยู่ลำพัง รายได้จากเบี้ยยังชีพเท่านั้น"},
            # Follow-up due today.
            ["assessing", ("visit", after(prayoon, 3), today)],
        ),
        (
            "TWT",
            {"title": "เด็กหญิง", "first_name": "กัญญา", "last_name": "ใจงาม", "national_id": 4,
             "birth_date": D(2014, 5, 30), "sex": Sex.FEMALE,
             "target_groups": [TargetGroup.CHILDREN]},
            {"opened_on": kanya, "intake_channel": IntakeChannel.HOTLINE,
             "reporter_type": ReporterType.PUBLIC, "reporter_anonymous": True,
             "problems": [Problem.FAMILY_VIOLENCE, Problem.CHILDREN_YOUTH],
             "risk_flags": [RiskFlag.CHILD_AT_RISK, RiskFlag.REPEATED_ABUSE],
             "urgency": Urgency.MOST_URGENT,
             "summary": "เพื่อนบ้านแจ้งว่าได้ยินเสียงทำร้ายร่างกายเด็กเป็นประจำ"},
            # Visited the day of the call; follow-up due this week.
            ["assessing", ("visit", kanya, week_end), "assisting",
             ("refer", "บ้านพักเด็กและครอบครัว", LawfulBasis.VITAL_INTEREST), "referred"],
        ),
        (
            "KTY",
            {"title": "นาย", "first_name": "สมบัติ", "last_name": "ไม่ทราบนามสกุล",
             "no_id_reason": NoIdReason.UNKNOWN, "sex": Sex.MALE,
             "target_groups": [TargetGroup.DISADVANTAGED]},
            {"opened_on": sombat, "intake_channel": IntakeChannel.WALK_IN,
             "reporter_type": ReporterType.SELF,
             "problems": [Problem.HOMELESS, Problem.POVERTY], "urgency": Urgency.URGENT,
             "summary": "คนไร้ที่พึ่ง นอนบริเวณตลาด ไม่มีเอกสารประจำตัว"},
            # Helped and followed up in two weeks: neither due nor overdue.
            ["assessing", ("visit", after(sombat, 1), today + dt.timedelta(days=14)),
             "assisting",
             ("money", Decimal("3000"), AssistanceProgramme.LOW_INCOME_GRANT, after(sombat, 7)),
             "monitoring"],
        ),
        (
            "DMG",
            {"title": "นางสาว", "first_name": "วิไลวรรณ", "last_name": "พึ่งบุญ", "national_id": 5,
             "birth_date": D(1990, 8, 8), "sex": Sex.FEMALE, "has_disability": True,
             "target_groups": [TargetGroup.DISABLED, TargetGroup.WOMEN]},
            {"opened_on": ago(180), "intake_channel": IntakeChannel.FIELD_VISIT,
             "reporter_type": ReporterType.VOLUNTEER,
             "problems": [Problem.DISABILITY], "urgency": Urgency.NORMAL,
             "summary": "ผู้พิการทางการเคลื่อนไหว ต้องการรถเข็นและการฝึกอาชีพ"},
            # Last fiscal year or so: helped and closed.
            ["assessing", ("visit", ago(177), None), "assisting",
             ("goods", "รถเข็นวีลแชร์", ago(162)), "monitoring",
             ("close", ClosureReason.RESOLVED, ago(90))],
        ),
        (
            "LPR",
            {"title": "นางสาว", "first_name": "พิมพ์ชนก", "last_name": "ดวงดี", "national_id": 6,
             "birth_date": D(2009, 11, 2), "sex": Sex.FEMALE,
             "target_groups": [TargetGroup.YOUTH, TargetGroup.WOMEN]},
            {"opened_on": pimchanok, "intake_channel": IntakeChannel.ONLINE,
             "reporter_type": ReporterType.SELF,
             "problems": [Problem.TEEN_PREGNANCY], "urgency": Urgency.URGENT,
             "summary": "ขอคำปรึกษาทางไลน์ ตั้งครรภ์ระหว่างเรียน"},
            # Follow-up due this week.
            ["assessing", ("visit", after(pimchanok, 1), week_end)],
        ),
        (
            "NCK",
            {"title": "นาง", "first_name": "สายสุนีย์", "last_name": "รักษ์ดี", "national_id": 7,
             "birth_date": D(1975, 3, 3), "sex": Sex.FEMALE,
             "target_groups": [TargetGroup.FAMILY]},
            {"opened_on": saisunee, "intake_channel": IntakeChannel.FIELD_VISIT,
             "reporter_type": ReporterType.VOLUNTEER,
             "problems": [Problem.HOUSING, Problem.POVERTY], "urgency": Urgency.NORMAL,
             "summary": "บ้านถูกลมพายุพัดหลังคาเสียหาย"},
            # Not visited yet: overdue once the first week has passed.
            [],
        ),
        (
            "WTL",
            {"title": "นาย", "first_name": "อนุชา", "last_name": "บุญมา", "national_id": 8,
             "birth_date": D(2001, 7, 19), "sex": Sex.MALE,
             "target_groups": [TargetGroup.YOUTH]},
            {"opened_on": ago(120), "intake_channel": IntakeChannel.REFERRAL_IN,
             "reporter_type": ReporterType.AGENCY, "reporter_name": "สถานีตำรวจ",
             "problems": [Problem.DRUGS], "urgency": Urgency.NORMAL,
             "summary": "ผ่านการบำบัดแล้ว ต้องการการติดตามและหางาน"},
            # The follow-up was missed a month ago: overdue.
            ["assessing", "assisting", ("visit", ago(105), ago(30))],
        ),
    ]  # fmt: skip


def _steps(actor, case: Case, steps, volunteers: list[int]) -> None:
    for step in steps:
        if isinstance(step, str):
            services.case_change_status(actor=actor, case=case, to_status=step)
            continue
        kind, *args = step
        if kind == "visit":
            visited_on, follow_up = args
            services.visit_record(
                actor=actor, case=case, visited_on=visited_on, volunteers=volunteers,
                findings="ลงพื้นที่เยี่ยมบ้าน พูดคุยกับผู้ประสบปัญหาและครอบครัว ประเมินความต้องการ",
                next_follow_up_on=follow_up,
            )  # fmt: skip
        elif kind == "money":
            amount, programme, given_on = args
            services.assistance_record(
                actor=actor, case=case, kind=AssistanceKind.MONEY, amount=amount,
                programme=programme, given_on=given_on,
            )  # fmt: skip
        elif kind == "goods":
            item, given_on = args
            services.assistance_record(
                actor=actor, case=case, kind=AssistanceKind.GOODS, given_on=given_on,
                items=[services.Item(item, 1, "คัน")],
            )  # fmt: skip
        elif kind == "refer":
            agency_name, basis = args
            services.referral_create(
                actor=actor, case=case, agency=_agency(agency_name), basis=basis,
                referred_on=case.opened_on,
                reason="ส่งต่อเพื่อคุ้มครองความปลอดภัยของเด็กโดยเร่งด่วน",
                basis_note="เด็กอยู่ในภาวะเสี่ยงต่อชีวิตและร่างกาย (พ.ร.บ.คุ้มครองเด็ก พ.ศ. 2546)",
            )  # fmt: skip
        elif kind == "close":
            reason, on = args
            services.case_change_status(
                actor=actor, case=case, to_status=S.CLOSED, closure_reason=reason, on=on
            )


@transaction.atomic
def cases_demo_load() -> None:
    """Load the demo persons and cases once; running it again changes nothing."""
    agencies_load()
    actor = get_user_model().objects.get(username="admin")
    _bang_khen_story(actor)
    for code, person_fields, case_fields, steps in other_cases(timezone.localdate()):
        centre = Centre.objects.filter(code=code).first()
        if centre is None:
            continue
        fields = dict(person_fields)
        if "national_id" in fields:
            fields["national_id"] = _national_id(fields["national_id"])
        sub = _subdistrict(centre.district_id) if centre.district_id else None
        person, created = _person(centre, actor, subdistrict=sub, **fields)
        if not created:
            continue
        volunteers = _volunteers(centre)
        case = services.case_open(
            actor=actor, centre=centre, person=person, volunteers=volunteers, **case_fields
        )
        _steps(actor, case, steps, volunteers)
