"""The demo's first story: the 2019 opening of the Bang Khen centre, each step dated on its
day."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from cases import services
from cases.demo._common import D, S, _agency, _national_id, _person, _subdistrict, _volunteers
from cases.models import (
    AssistanceKind,
    ClosureReason,
    ConsentGiver,
    Household,
    HouseholdMember,
    IntakeChannel,
    LawfulBasis,
    Problem,
    Relation,
    ReporterType,
    TargetGroup,
    Urgency,
)
from centres.models import Centre
from volunteers.models import Sex


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
            HouseholdMember(
                household=household,
                person=mother,
                relation=Relation.HEAD,
                occupation="รับจ้างทั่วไป",
                monthly_income=Decimal("4500"),
            ),
            HouseholdMember(
                household=household,
                person=son,
                relation=Relation.CHILD,
                occupation="นักเรียน",
                monthly_income=Decimal("0"),
            ),
            HouseholdMember(
                household=household,
                name="นายสมปอง แสงทอง",
                relation=Relation.PARENT,
                birth_date=D(1941, 1, 20),
                occupation="ไม่ได้ทำงาน (ติดเตียง)",
            ),
        ]
    )
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
