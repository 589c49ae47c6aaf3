import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cases.models import (
    Assistance,
    AssistanceItem,
    Case,
    CaseAssignment,
    CaseCounter,
    CaseEvent,
    CaseStatus,
    Consent,
    Referral,
    Visit,
)
from cases.services import (
    Item,
    assistance_record,
    case_assign_volunteers,
    case_change_status,
    case_timeline,
    case_update,
    consent_record,
    consent_withdraw,
    referral_create,
    referral_update_status,
    visit_record,
)
from tests import clock
from tests.cases.factories import AgencyFactory, PersonFactory, open_case
from tests.factories import RegistrationFactory

S = CaseStatus

# The status path of docs/domain.md, written out here rather than read from the code under test.
ALLOWED = {
    ("new", "assessing"),
    ("assessing", "assisting"),
    ("assisting", "referred"),
    ("referred", "assisting"),
    ("assisting", "monitoring"),
    ("referred", "monitoring"),
    ("monitoring", "closed"),
    ("closed", "assessing"),
}
PATH_TO = {
    "new": [],
    "assessing": ["assessing"],
    "assisting": ["assessing", "assisting"],
    "referred": ["assessing", "assisting", "referred"],
    "monitoring": ["assessing", "assisting", "monitoring"],
    "closed": ["assessing", "assisting", "monitoring", "closed"],
}


def walk(actor, case, statuses):
    for status in statuses:
        case_change_status(
            actor=actor,
            case=case,
            to_status=status,
            closure_reason="resolved" if status == "closed" else "",
        )
    return case


def snapshot(case):
    """Everything a refused service call must leave untouched."""
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        CaseEvent.objects.filter(case=case).count(),
        Visit.objects.filter(case=case).count(),
        Assistance.objects.filter(case=case).count(),
        AssistanceItem.objects.filter(assistance__case=case).count(),
        Referral.objects.filter(case=case).count(),
        Consent.objects.filter(case=case).count(),
        CaseAssignment.objects.filter(case=case).count(),
    )


@pytest.fixture
def case_a(centre_a, chair_a):
    return open_case(chair_a, centre_a)


# ---------------------------------------------------------------------------------------------
# Status changes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("from_status", PATH_TO)
@pytest.mark.parametrize("to_status", [s.value for s in S])
def test_status_changes_follow_the_path_and_nothing_else(from_status, to_status, case_a, chair_a):
    walk(chair_a, case_a, PATH_TO[from_status])
    before = snapshot(case_a)
    call = {
        "actor": chair_a,
        "case": case_a,
        "to_status": to_status,
        "closure_reason": "resolved",
        "note": "ทดสอบ",
    }
    if (from_status, to_status) in ALLOWED:
        case_change_status(**call)
        case_a.refresh_from_db()
        assert case_a.status == to_status
        event = case_a.events.order_by("-pk").first()
        assert (event.kind, event.from_status, event.to_status, event.actor) == (
            "status",
            from_status,
            to_status,
            chair_a,
        )
        assert event.note == "ทดสอบ"
    else:
        with pytest.raises(ValidationError) as refused:
            case_change_status(**call)
        assert refused.value.code == "illegal_transition"
        assert snapshot(case_a) == before


def test_illegal_jump_is_refused_in_thai(case_a, chair_a):
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        case_change_status(actor=chair_a, case=case_a, to_status="closed")
    message = refused.value.messages[0]
    assert "ปิด" in message, message
    assert "ใหม่" in message, message


def test_closing_needs_a_reason_and_reopening_keeps_it_in_the_history(case_a, chair_a):
    walk(chair_a, case_a, ["assessing", "assisting", "monitoring"])
    with pytest.raises(ValidationError) as refused:
        case_change_status(actor=chair_a, case=case_a, to_status="closed")
    assert "closure_reason" in refused.value.message_dict
    case_change_status(actor=chair_a, case=case_a, to_status="closed", closure_reason="moved")
    case_a.refresh_from_db()
    assert (case_a.closed_on, case_a.closure_reason) == (clock.today(), "moved")

    case_change_status(actor=chair_a, case=case_a, to_status="assessing", note="กลับมาอีก")
    case_a.refresh_from_db()
    assert (case_a.status, case_a.closed_on, case_a.closure_reason) == ("assessing", None, "")
    reopen = case_a.events.order_by("-pk").first()
    assert reopen.detail == {"closure_reason": "moved", "closed_on": str(clock.today())}
    # Every step is still there, in order.
    assert list(case_a.events.filter(kind="status").values_list("to_status", flat=True)) == [
        "assessing",
        "assisting",
        "monitoring",
        "closed",
        "assessing",
    ]


def test_a_closed_case_takes_no_visit_until_reopened(case_a, chair_a):
    walk(chair_a, case_a, PATH_TO["closed"])
    with pytest.raises(ValidationError) as refused:
        visit_record(actor=chair_a, case=case_a, visited_on=clock.today(), findings="x")
    assert refused.value.code == "case_closed"


def test_a_referral_of_a_closed_case_is_not_answered_until_the_case_is_reopened(case_a, chair_a):
    consent_record(
        actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ", given_on=case_a.opened_on
    )
    walk(chair_a, case_a, ["assessing", "assisting"])
    referral = referral_create(actor=chair_a, case=case_a, agency=AgencyFactory(), reason="ที่พัก")
    walk(chair_a, case_a, ["referred", "monitoring"])
    case_change_status(actor=chair_a, case=case_a, to_status="closed", closure_reason="resolved")
    with pytest.raises(ValidationError) as refused:
        referral_update_status(actor=chair_a, referral=referral, to_status="accepted")
    assert refused.value.code == "case_closed"
    referral.refresh_from_db()
    assert (referral.status, referral.answered_on) == ("sent", None)


def test_chair_cannot_change_a_case_of_another_centre(case_a, chair_b):
    with pytest.raises(PermissionDenied):
        case_change_status(actor=chair_b, case=case_a, to_status="assessing")
    case_a.refresh_from_db()
    assert case_a.status == "new"


def test_supervisor_reads_but_cannot_open_cases(centre_a, supervisor_north, chair_a):
    with pytest.raises(PermissionDenied):
        open_case(supervisor_north, centre_a, person=PersonFactory(centre=centre_a))
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------------------------
# Correcting a case's details
# ---------------------------------------------------------------------------------------------


def test_a_correction_keeps_the_values_it_replaces_in_the_history(case_a, chair_a):
    case_update(
        actor=chair_a,
        case=case_a,
        urgency="urgent",
        problems=["poverty", "housing"],
        summary="  บ้านถูกน้ำท่วม  ",
        note="โทรแจ้งเพิ่ม",
    )
    case_a.refresh_from_db()
    assert (case_a.urgency, case_a.problems, case_a.summary) == (
        "urgent",
        ["poverty", "housing"],
        "บ้านถูกน้ำท่วม",
    )
    event = case_a.events.get(kind="updated")
    assert (event.actor, event.note) == (chair_a, "โทรแจ้งเพิ่ม")
    assert event.detail == {
        "changed": {
            "urgency": {"from": "normal", "to": "urgent"},
            "problems": {"from": ["poverty"], "to": ["poverty", "housing"]},
            "summary": {"from": "", "to": "บ้านถูกน้ำท่วม"},
        }
    }
    with translation.override("en"):
        assert "urgency: normal (ปกติ) → urgent (ด่วน)" in event.change_lines()
        assert "problems: poverty → poverty, housing" in event.change_lines()
    # The same values again change nothing and record nothing.
    case_update(actor=chair_a, case=case_a, urgency="urgent", summary="บ้านถูกน้ำท่วม")
    assert case_a.events.filter(kind="updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"risk_flags": ["other"]}, "risk_note"),
        ({"reporter_anonymous": True, "reporter_name": "นายแจ้ง"}, "reporter_anonymous"),
        ({"problems": []}, "problems"),
        ({"problems": ["not-a-problem"]}, "problems"),
        ({"urgency": "whenever"}, "urgency"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
    ],
)
def test_a_correction_is_checked_like_the_intake_and_saves_nothing(changes, field, case_a, chair_a):
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        # A valid change beside the bad one is not saved either.
        case_update(actor=chair_a, case=case_a, **{"urgency": "most_urgent", **changes})
    assert field in refused.value.message_dict
    assert snapshot(case_a) == before


def test_a_correction_cannot_touch_the_number_status_or_dates_nor_another_centre(
    case_a, chair_a, chair_b
):
    for field, value in [("number", "X-1"), ("status", "closed"), ("closed_on", clock.today())]:
        with pytest.raises(TypeError, match=f"^case_update cannot change {field}$"):
            case_update(actor=chair_a, case=case_a, **{field: value})
    with pytest.raises(PermissionDenied):
        case_update(actor=chair_b, case=case_a, urgency="urgent")
    case_a.refresh_from_db()
    assert case_a.urgency == "normal"
    assert not case_a.events.filter(kind="updated").exists()


# ---------------------------------------------------------------------------------------------
# Case numbers
# ---------------------------------------------------------------------------------------------


def test_case_numbers_run_per_centre_and_restart_each_fiscal_year(centre_a, centre_b, superuser):
    last_of_2562 = dt.date(2019, 9, 30)
    first_of_2563 = dt.date(2019, 10, 1)
    numbers = [
        open_case(superuser, centre_a, opened_on=last_of_2562).number,
        open_case(superuser, centre_a, opened_on=dt.date(2019, 3, 11)).number,
        open_case(superuser, centre_b, opened_on=last_of_2562).number,
        open_case(superuser, centre_a, opened_on=first_of_2563).number,
        open_case(superuser, centre_a, opened_on=last_of_2562).number,
    ]
    assert numbers == [
        "BKN-2562-0001",
        "BKN-2562-0002",
        "CMI-2562-0001",
        "BKN-2563-0001",
        "BKN-2562-0003",
    ]
    assert Case.objects.get(number="BKN-2563-0001").fiscal_year == 2563


def test_a_refused_intake_gives_its_number_back(centre_a, centre_b, superuser):
    stranger = RegistrationFactory(centre=centre_b).volunteer
    with pytest.raises(ValidationError) as refused:
        open_case(superuser, centre_a, volunteers=[stranger])
    assert "volunteers" in refused.value.message_dict
    assert not Case.objects.exists()
    assert not CaseCounter.objects.exists()
    assert open_case(superuser, centre_a).number.endswith("-0001")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"problems": []}, "problems"),
        ({"problems": ["not-a-problem"]}, "problems"),
        ({"opened_on": clock.today() + dt.timedelta(days=1)}, "opened_on"),
        ({"risk_flags": ["other"]}, "risk_note"),
        ({"reporter_anonymous": True, "reporter_name": "นายแจ้ง"}, "reporter_anonymous"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
    ],
)
def test_bad_intake_is_refused_with_nothing_saved(fields, field, centre_a, chair_a):
    person = PersonFactory(centre=centre_a)
    with pytest.raises(ValidationError) as refused:
        open_case(chair_a, centre_a, person=person, **fields)
    assert field in refused.value.message_dict
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


def test_a_case_cannot_be_opened_for_a_person_outside_the_actors_centres(
    centre_a, centre_b, chair_a
):
    with pytest.raises(ValidationError) as refused:
        open_case(chair_a, centre_a, person=PersonFactory(centre=centre_b))
    assert "person" in refused.value.message_dict


def test_opening_records_the_event_and_the_phone_in_e164(centre_a, chair_a):
    case = open_case(chair_a, centre_a, reporter_type="relative", reporter_phone="๐๘๑ ๒๓๔ ๕๖๗๘")
    assert case.reporter_phone == "+66812345678"
    assert list(case.events.values_list("kind", "to_status", "actor")) == [
        ("opened", "new", chair_a.pk)
    ]


# ---------------------------------------------------------------------------------------------
# Volunteers, visits, assistance
# ---------------------------------------------------------------------------------------------


def test_only_active_volunteers_of_the_cases_centre_can_be_assigned(
    case_a, chair_a, centre_a, centre_b
):
    ours = RegistrationFactory(centre=centre_a).volunteer
    theirs = RegistrationFactory(centre=centre_b).volunteer
    ended = RegistrationFactory(centre=centre_a, status="ended", ended_on=clock.today()).volunteer
    for stranger in (theirs, ended):
        before = snapshot(case_a)
        with pytest.raises(ValidationError) as refused:
            case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[ours, stranger])
        assert stranger.display_name in refused.value.message_dict["volunteers"][0]
        assert snapshot(case_a) == before
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[ours])
    case_assign_volunteers(actor=chair_a, case=case_a, volunteers=[ours])  # twice: once
    assert list(case_a.volunteers.all()) == [ours]
    assert case_a.events.filter(kind="assigned").count() == 1


@pytest.mark.parametrize(
    ("days_after_opening", "field"),
    [(-1, "visited_on"), (11, "visited_on")],  # the case opened ten days ago
)
def test_a_visit_cannot_be_dated_before_the_opening_or_in_the_future(
    days_after_opening, field, case_a, chair_a
):
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        visit_record(
            actor=chair_a,
            case=case_a,
            visited_on=case_a.opened_on + dt.timedelta(days=days_after_opening),
            findings="พบครอบครัว",
        )
    assert field in refused.value.message_dict
    assert snapshot(case_a) == before


def test_a_visit_by_a_volunteer_of_another_centre_is_refused(case_a, chair_a, centre_b):
    stranger = RegistrationFactory(centre=centre_b).volunteer
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        visit_record(
            actor=chair_a,
            case=case_a,
            visited_on=clock.today(),
            findings="x",
            volunteers=[stranger],
        )
    assert refused.value.error_dict["volunteers"][0].code == "volunteer_of_another_centre"
    assert snapshot(case_a) == before


def test_a_visit_sets_the_next_follow_up_and_the_overdue_flag(case_a, chair_a, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    # Opened ten days ago at normal urgency and never visited: overdue.
    assert case_a.is_overdue()
    visit_record(
        actor=chair_a,
        case=case_a,
        visited_on=clock.today() - dt.timedelta(days=5),
        findings="บ้านทรุดโทรม",
        volunteers=[volunteer],
        next_follow_up_on=clock.today() - dt.timedelta(days=1),
    )
    case = Case.objects.with_next_follow_up().get(pk=case_a.pk)
    assert case.next_follow_up() == clock.today() - dt.timedelta(days=1)
    assert case.is_overdue()
    assert list(Case.objects.overdue()) == [case_a]
    visit_record(
        actor=chair_a,
        case=case_a,
        visited_on=clock.today(),
        findings="ติดตามแล้ว",
        next_follow_up_on=clock.today() + dt.timedelta(days=30),
    )
    case = Case.objects.with_next_follow_up().get(pk=case_a.pk)
    assert not case.is_overdue()
    assert not Case.objects.overdue().exists()
    assert Case.objects.get(pk=case_a.pk).next_follow_up() == clock.today() + dt.timedelta(days=30)


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("-1"), "negative"),
        ("-0.01", "negative"),
        (Decimal("1000000.01"), "absurd_amount"),
        ("50000000", "absurd_amount"),
        ("สามพัน", "invalid"),
        ("NaN", "invalid"),
    ],
)
def test_negative_or_absurd_amounts_are_refused_with_nothing_saved(amount, code, case_a, chair_a):
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a,
            case=case_a,
            kind="money",
            amount=amount,
            given_on=clock.today(),
            items=[Item("ถุงยังชีพ", 1, "ชุด")],
        )
    assert refused.value.error_dict["amount"][0].code == code
    assert snapshot(case_a) == before


def test_absurd_amount_message_is_thai_and_says_the_limit(case_a, chair_a):
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a, case=case_a, kind="money", amount="2000000", given_on=clock.today()
        )
    message = refused.value.message_dict["amount"][0]
    assert "1,000,000" in message, message
    assert "บาท" in message, message


def test_goods_with_items_are_recorded_with_the_centre_as_provider(case_a, chair_a):
    assistance = assistance_record(
        actor=chair_a,
        case=case_a,
        kind="goods",
        given_on=clock.today(),
        items=[Item("รถจักรยาน", 1, "คัน"), {"name": "เครื่องอุปโภคบริโภค", "quantity": 2}],
    )
    assert assistance.provider == case_a.centre
    assert [(i.name, i.quantity, i.unit) for i in assistance.items.all()] == [
        ("รถจักรยาน", 1, "คัน"),
        ("เครื่องอุปโภคบริโภค", 2, ""),
    ]


def test_a_bad_item_quantity_saves_neither_the_assistance_nor_its_items(case_a, chair_a):
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a,
            case=case_a,
            kind="goods",
            given_on=clock.today(),
            items=[Item("รถจักรยาน", 1, "คัน"), Item("ข้าวสาร", 0, "ถุง")],
        )
    assert refused.value.error_dict["items"][0].code == "item_quantity"
    assert snapshot(case_a) == before


@pytest.mark.parametrize(
    ("item", "code"),
    [
        (Item("ข้าวสาร", 100_001, "ถุง"), "item_quantity"),
        # Past a 32-bit integer: the database would fail rather than refuse.
        (Item("ข้าวสาร", 3_000_000_000, "ถุง"), "item_quantity"),
        (Item("ก" * 201, 1, ""), "item_name_too_long"),
        (Item("ข้าวสาร", 1, "ถ" * 31), "item_unit_too_long"),
        (Item("   ", 1, "ถุง"), "item_name"),
    ],
)
def test_absurd_item_lines_are_refused_with_nothing_saved(item, code, case_a, chair_a):
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a,
            case=case_a,
            kind="goods",
            given_on=clock.today(),
            items=[Item("รถจักรยาน", 1, "คัน"), item],
        )
    assert refused.value.error_dict["items"][0].code == code
    assert snapshot(case_a) == before


def test_a_date_before_the_ministry_existed_is_refused_as_a_mistyped_year(
    case_a, centre_a, chair_a
):
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        # The day before the ministry was founded.
        open_case(chair_a, centre_a, opened_on=dt.date(2002, 10, 2))
    assert refused.value.error_dict["opened_on"][0].code == "too_early"
    assert "2545" in refused.value.message_dict["opened_on"][0]  # the limit, in B.E.
    assert Case.objects.count() == 1  # case_a only
    assert open_case(chair_a, centre_a, opened_on=dt.date(2002, 10, 3)).opened_on.year == 2002
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ", given_on=dt.date(1, 1, 1)
        )
    assert refused.value.error_dict["given_on"][0].code == "too_early"
    assert snapshot(case_a) == before


# ---------------------------------------------------------------------------------------------
# Consent and referrals
# ---------------------------------------------------------------------------------------------


def test_referral_without_consent_or_basis_is_refused(case_a, chair_a):
    agency = AgencyFactory()
    before = snapshot(case_a)
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        referral_create(actor=chair_a, case=case_a, agency=agency, reason="ส่งต่อ")
    assert "ยินยอม" in refused.value.message_dict["basis"][0]
    with pytest.raises(ValidationError) as refused:
        referral_create(
            actor=chair_a, case=case_a, agency=agency, reason="ส่งต่อ", basis="vital_interest"
        )
    assert "basis_note" in refused.value.message_dict
    assert snapshot(case_a) == before


def test_a_withdrawn_consent_does_not_support_a_referral(case_a, chair_a):
    agency = AgencyFactory()
    consent = consent_record(
        actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ", given_on=case_a.opened_on
    )
    consent_withdraw(actor=chair_a, consent=consent)
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        referral_create(actor=chair_a, case=case_a, agency=agency, reason="ส่งต่อ")
    assert refused.value.error_dict["basis"][0].code == "no_consent"
    with pytest.raises(ValidationError) as refused:
        referral_create(actor=chair_a, case=case_a, agency=agency, reason="ส่งต่อ", consent=consent)
    assert refused.value.error_dict["basis"][0].code == "no_consent"
    assert snapshot(case_a) == before
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(actor=chair_a, consent=consent)
    assert refused.value.code == "already_withdrawn"


def test_a_consent_of_another_case_does_not_count(case_a, chair_a, centre_a):
    other = open_case(chair_a, centre_a)
    consent = consent_record(actor=chair_a, case=other, given_by="self", purpose="ส่งต่อ")
    with pytest.raises(ValidationError) as refused:
        referral_create(
            actor=chair_a, case=case_a, agency=AgencyFactory(), reason="x", consent=consent
        )
    assert refused.value.error_dict["basis"][0].code == "no_consent"


def test_a_guardian_must_be_named(case_a, chair_a):
    with pytest.raises(ValidationError) as refused:
        consent_record(actor=chair_a, case=case_a, given_by="guardian", purpose="ส่งต่อ")
    assert "guardian_name" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_referral_with_consent_or_a_lawful_basis_and_its_status_path(case_a, chair_a):
    agency = AgencyFactory()
    consent_record(
        actor=chair_a,
        case=case_a,
        given_by="guardian",
        guardian_name="นางแม่",
        purpose="ส่งต่อ",
        given_on=case_a.opened_on,
    )
    referral = referral_create(actor=chair_a, case=case_a, agency=agency, reason="ที่พักพิง")
    assert referral.consent is not None
    assert referral.status == "sent"
    urgent = referral_create(
        actor=chair_a,
        case=case_a,
        agency=agency,
        reason="อันตรายต่อชีวิต",
        basis="vital_interest",
        basis_note="เด็กถูกทำร้ายซ้ำ",
    )
    assert urgent.consent is None

    referral_update_status(actor=chair_a, referral=referral, to_status="accepted")
    referral_update_status(actor=chair_a, referral=referral, to_status="done", outcome="ได้ที่พัก")
    with pytest.raises(ValidationError) as refused:
        referral_update_status(actor=chair_a, referral=referral, to_status="revoked")
    assert refused.value.code == "illegal_transition"
    referral.refresh_from_db()
    assert (referral.status, referral.answered_on, referral.finished_on, referral.outcome) == (
        "done",
        clock.today(),
        clock.today(),
        "ได้ที่พัก",
    )
    assert list(referral.events.order_by("pk").values_list("kind", "from_status", "to_status")) == [
        ("referral", "", "sent"),
        ("referral_status", "sent", "accepted"),
        ("referral_status", "accepted", "done"),
    ]
    referral_update_status(actor=chair_a, referral=urgent, to_status="revoked")
    with pytest.raises(ValidationError) as refused:
        referral_update_status(actor=chair_a, referral=urgent, to_status="accepted")
    assert refused.value.code == "illegal_transition"


REFERRAL_ALLOWED = {
    ("sent", "accepted"),
    ("sent", "rejected"),
    ("sent", "revoked"),
    ("accepted", "done"),
    ("accepted", "revoked"),
}
REFERRAL_PATH = {
    "sent": [],
    "accepted": ["accepted"],
    "rejected": ["rejected"],
    "done": ["accepted", "done"],
    "revoked": ["revoked"],
}


@pytest.mark.parametrize("from_status", REFERRAL_PATH)
@pytest.mark.parametrize("to_status", list(REFERRAL_PATH))
def test_referral_status_changes_follow_their_path(from_status, to_status, case_a, chair_a):
    referral = referral_create(
        actor=chair_a,
        case=case_a,
        agency=AgencyFactory(),
        reason="x",
        basis="legal_duty",
        basis_note="กฎหมายกำหนด",
    )
    for step in REFERRAL_PATH[from_status]:
        referral_update_status(actor=chair_a, referral=referral, to_status=step)
    events = referral.events.count()
    if (from_status, to_status) in REFERRAL_ALLOWED:
        referral_update_status(actor=chair_a, referral=referral, to_status=to_status)
        referral.refresh_from_db()
        assert referral.status == to_status
    else:
        with pytest.raises(ValidationError) as refused:
            referral_update_status(actor=chair_a, referral=referral, to_status=to_status)
        assert refused.value.code == "illegal_transition"
        referral.refresh_from_db()
        assert referral.status == from_status
        assert referral.events.count() == events


# ---------------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------------


def test_timeline_orders_by_date_then_time_recorded_in_constant_queries(
    case_a, chair_a, centre_a, django_assert_num_queries
):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    opened = case_a.opened_on
    case_change_status(actor=chair_a, case=case_a, to_status="assessing")  # today
    # Recorded now, but dated in the past: they come before today's status change.
    visit = visit_record(
        actor=chair_a,
        case=case_a,
        visited_on=opened + dt.timedelta(days=2),
        findings="ก",
        volunteers=[volunteer],
    )
    early = visit_record(actor=chair_a, case=case_a, visited_on=opened, findings="ข")
    goods = assistance_record(
        actor=chair_a,
        case=case_a,
        kind="goods",
        given_on=opened + dt.timedelta(days=2),
        items=[Item("รถจักรยาน", 1, "คัน")],
    )
    referral = referral_create(
        actor=chair_a,
        case=case_a,
        agency=AgencyFactory(),
        reason="x",
        referred_on=opened + dt.timedelta(days=3),
        basis="legal_duty",
        basis_note="ก",
    )

    with django_assert_num_queries(6):
        timeline = case_timeline(case_a)
        # Everything a template shows is loaded already.
        for entry in timeline:
            if entry.kind == "visit":
                list(entry.obj.volunteers.all())
            if entry.kind == "assistance":
                list(entry.obj.items.all())
            if entry.kind == "referral":
                str(entry.obj.agency)
    opened_event, status_event = case_a.events.filter(kind__in=["opened", "status"])
    # The opening is dated by the case's opening date, ahead of the visit recorded later.
    assert [e.obj for e in timeline] == [opened_event, early, visit, goods, referral, status_event]
    dates = [(e.date, e.recorded_at) for e in timeline]
    assert dates == sorted(dates)

    for _ in range(5):
        visit_record(actor=chair_a, case=case_a, visited_on=clock.today(), findings="ซ้ำ")
    with django_assert_num_queries(6):
        assert len(case_timeline(case_a)) == 11


# ---------------------------------------------------------------------------------------------
# Audit fixes: notes, dates in order, inactive agencies, dates in BE in the admin's titles
# ---------------------------------------------------------------------------------------------


def test_the_note_of_an_assignment_is_kept_in_its_event(case_a, chair_a, centre_a):
    volunteer = RegistrationFactory(centre=centre_a).volunteer
    case_assign_volunteers(
        actor=chair_a, case=case_a, volunteers=[volunteer], note="ใกล้บ้านผู้ประสบปัญหา"
    )
    event = case_a.events.get(kind="assigned")
    assert event.note == "ใกล้บ้านผู้ประสบปัญหา"
    assert event.detail == {"volunteers": [volunteer.pk]}


@pytest.mark.parametrize("to_status", ["done", "revoked"])
def test_a_referral_cannot_finish_before_it_was_answered(to_status, case_a, chair_a):
    referral = referral_create(
        actor=chair_a,
        case=case_a,
        agency=AgencyFactory(),
        reason="ที่พัก",
        basis="legal_duty",
        basis_note="มาตรา",
        referred_on=clock.today() - dt.timedelta(days=8),
    )
    answered = clock.today() - dt.timedelta(days=3)
    referral_update_status(actor=chair_a, referral=referral, to_status="accepted", on=answered)
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused, translation.override("th"):
        referral_update_status(
            actor=chair_a, referral=referral, to_status=to_status, on=answered - dt.timedelta(1)
        )
    assert refused.value.error_dict["on"][0].code == "before_answer"
    assert "ก่อน" in refused.value.messages[0]  # in Thai
    assert snapshot(case_a) == before
    referral.refresh_from_db()
    assert (referral.status, referral.finished_on) == ("accepted", None)
    # The day of the answer itself is fine.
    referral_update_status(actor=chair_a, referral=referral, to_status=to_status, on=answered)
    referral.refresh_from_db()
    assert (referral.status, referral.finished_on) == (to_status, answered)


@pytest.mark.parametrize("last", ["visit", "assistance", "referral", "referral answered"])
def test_a_case_cannot_close_before_its_last_visit_assistance_or_referral(last, case_a, chair_a):
    walk(chair_a, case_a, ["assessing", "assisting"])
    day = clock.today() - dt.timedelta(days=2)
    if last == "visit":
        visit_record(actor=chair_a, case=case_a, visited_on=day, findings="พบครอบครัว")
    elif last == "assistance":
        assistance_record(actor=chair_a, case=case_a, kind="money", amount=500, given_on=day)
    else:
        referral = referral_create(
            actor=chair_a,
            case=case_a,
            agency=AgencyFactory(),
            reason="ที่พัก",
            basis="legal_duty",
            basis_note="มาตรา",
            referred_on=day if last == "referral" else case_a.opened_on,
        )
        if last == "referral answered":
            referral_update_status(actor=chair_a, referral=referral, to_status="accepted", on=day)
    walk(chair_a, case_a, ["monitoring"])
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        case_change_status(
            actor=chair_a,
            case=case_a,
            to_status="closed",
            closure_reason="resolved",
            on=day - dt.timedelta(days=1),
        )
    assert refused.value.error_dict["closed_on"][0].code == "closes_before_work"
    assert snapshot(case_a) == before
    case_change_status(
        actor=chair_a, case=case_a, to_status="closed", closure_reason="resolved", on=day
    )
    case_a.refresh_from_db()
    assert (case_a.status, case_a.closed_on) == ("closed", day)


def test_assistance_from_an_inactive_agency_is_refused(case_a, chair_a):
    agency = AgencyFactory(active=False)
    before = snapshot(case_a)
    with pytest.raises(ValidationError) as refused:
        assistance_record(
            actor=chair_a,
            case=case_a,
            kind="money",
            amount=500,
            given_on=clock.today(),
            provider_agency=agency,
        )
    assert refused.value.error_dict["provider_agency"][0].code == "agency_inactive"
    assert snapshot(case_a) == before
    agency.active = True
    agency.save()
    assistance = assistance_record(
        actor=chair_a,
        case=case_a,
        kind="money",
        amount=500,
        given_on=clock.today(),
        provider_agency=agency,
    )
    assert assistance.provider == agency


def test_titles_of_history_rows_show_dates_in_the_buddhist_era_in_thai(case_a, chair_a):
    day = dt.date(2025, 11, 6)
    visit = visit_record(actor=chair_a, case=case_a, visited_on=clock.today(), findings="พบ")
    consent = consent_record(actor=chair_a, case=case_a, given_by="self", purpose="ส่งต่อ")
    event = case_a.events.get(kind="opened")
    with translation.override("th"):
        be_year = str(clock.today().year + 543)
        for row in (event, visit, consent):
            assert be_year in str(row), str(row)
            assert clock.today().isoformat() not in str(row)
        visit.visited_on = day
        assert str(visit).endswith("6 พ.ย. 2568")
