"""Transferring a case to another centre on the staff pages: requested by a chair of the
case's centre, answered by a chair of the receiving centre, cancelled by the sender."""

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent, CaseTransfer, Visit
from cases.services import (
    case_change_status,
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_request,
)
from centres.models import Centre
from tests import clock
from tests.cases.factories import PersonFactory, open_case
from tests.factories import (
    CentreFactory,
    RegistrationFactory,
    StaffAssignmentFactory,
    UserFactory,
    also_supervising_the_north,
)
from tests.staff.posts import be, block, field_errors


@pytest.fixture
def case_with_person(centre_a, chair_a):
    person = PersonFactory(centre=centre_a, first_name="ย้ายศูนย์", last_name="ทดสอบ")
    return open_case(chair_a, centre_a, person=person, summary="ครอบครัวย้ายไปเชียงใหม่")


@pytest.fixture
def centre_c(national_centre):
    return CentreFactory(code="TWT", parent=national_centre)


@pytest.fixture
def chair_c(centre_c):
    user = UserFactory(username="chair-c")
    StaffAssignmentFactory(user=user, role="chair", centre=centre_c)
    return user


def request_post(code="CMI", reason="ครอบครัวย้ายไปอยู่เชียงใหม่"):
    return {"to_centre": code, "reason": reason}


def pending_transfer(chair_a, case, centre):
    return case_transfer_request(actor=chair_a, case=case, to_centre=centre, reason="ย้ายบ้าน")


def test_a_case_transferred_end_to_end_keeps_its_number_and_its_history(
    client, chair_a, chair_b, centre_a, centre_b, case_with_person
):
    case = case_with_person
    number = case.number
    assert number.startswith("BKN-")
    client.force_login(chair_a)
    url = reverse("cases:visit-create", args=[case.pk])
    visit = {"visited_on": be(clock.today()), "findings": "บ้านเช่าหมดสัญญา"}
    assert client.post(url, visit).status_code == 302
    # The sender finds the receiving centre by its name, then types its code (any case).
    form_url = reverse("cases:transfer-create", args=[case.pk])
    found = client.get(form_url, {"centre_q": centre_b.name_th[-6:]}).content.decode()
    assert "?to=CMI" in block(found, "centres-found")
    response = client.post(form_url, request_post(code="cmi"))
    assert response.status_code == 302, response.content.decode()[:2000]
    transfer = CaseTransfer.objects.get()
    assert (transfer.from_centre, transfer.to_centre, transfer.status) == (
        centre_a,
        centre_b,
        "pending",
    )
    # While it is pending the case stays at A, which reads it and records nothing on it.
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'id="pending-transfer"' in page
    assert 'id="add-visit"' not in page
    refused = client.post(url, {"visited_on": be(clock.today()), "findings": "อีกครั้ง"})
    assert refused.status_code == 400
    assert str(centre_b) in " ".join(refused.context["form"].non_field_errors())
    assert Visit.objects.count() == 1
    # The receiving chair sees it on the desk and reads enough of the case to decide.
    client.force_login(chair_b)
    desk = client.get("/").content.decode()
    assert number in block(desk, "incoming-transfers")
    assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404
    detail = client.get(reverse("cases:transfer-detail", args=[transfer.pk])).content.decode()
    assert "ย้ายศูนย์" in block(detail, "case-summary")
    assert "บ้านเช่าหมดสัญญา" not in detail  # the visits come with the case, once accepted
    response = client.post(
        reverse("cases:transfer-accept", args=[transfer.pk]), {"accept-note": "รับดูแลต่อ"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case-detail", args=[case.pk])
    case.refresh_from_db()
    assert case.centre == centre_b
    assert case.number == number
    assert case.person.centre == centre_a  # the person stays recorded by A
    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    timeline = block(page, "timeline")
    assert "บ้านเช่าหมดสัญญา" in timeline  # the history moved with the case
    assert timeline.count(f"{centre_a} → {centre_b}") == 2  # requested, then accepted
    assert "รับดูแลต่อ" in timeline
    assert client.get(reverse("cases:person-detail", args=[case.person_id])).status_code == 200
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "visit", "transfer_requested", "transfer_accepted"]
    # The new centre records on the case; the old one no longer sees it.
    url_b = reverse("cases:visit-create", args=[case.pk])
    assert (
        client.post(url_b, {"visited_on": be(clock.today()), "findings": "เยี่ยมที่ใหม่"}).status_code
        == 302
    )
    client.force_login(chair_a)
    assert client.get(reverse("cases:case-detail", args=[case.pk])).status_code == 404
    assert client.get(url).status_code == 404
    assert number not in client.get(reverse("cases:case-list")).content.decode()
    # A still reads the transfer it made (where the case went), not the case itself.
    detail = client.get(reverse("cases:transfer-detail", args=[transfer.pk])).content.decode()
    assert str(centre_b) in detail
    assert 'id="case-summary"' not in detail
    assert client.get(reverse("cases:person-detail", args=[case.person_id])).status_code == 200


def test_the_number_keeps_its_centre_code_and_neither_centre_reuses_a_sequence(
    chair_a, chair_b, centre_a, centre_b
):
    moved = open_case(chair_a, centre_a, opened_on=clock.today())
    theirs = open_case(chair_b, centre_b, opened_on=clock.today())
    assert moved.sequence == theirs.sequence == 1  # both centres' first case of the year
    case_transfer_accept(actor=chair_b, transfer=pending_transfer(chair_a, moved, centre_b))
    moved.refresh_from_db()
    assert moved.centre == centre_b
    assert moved.number.startswith("BKN-")
    assert open_case(chair_a, centre_a, opened_on=clock.today()).number.endswith("-0002")
    assert open_case(chair_b, centre_b, opened_on=clock.today()).number.startswith("CMI-")
    assert Case.objects.filter(centre=centre_b).count() == 3


def test_volunteers_of_the_sending_centre_come_off_the_case_on_acceptance(
    chair_a, chair_b, centre_a, centre_b, case_with_person
):
    theirs = RegistrationFactory(centre=centre_a).volunteer
    both = RegistrationFactory(centre=centre_a).volunteer
    RegistrationFactory(centre=centre_b, volunteer=both)
    from cases.services import case_assign_volunteers

    case_assign_volunteers(actor=chair_a, case=case_with_person, volunteers=[theirs, both])
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    case_transfer_accept(actor=chair_b, transfer=transfer)
    assert list(case_with_person.volunteers.all()) == [both]
    event = case_with_person.events.get(kind="unassigned")
    assert event.detail["volunteers"] == [theirs.pk]


def test_a_declined_transfer_leaves_the_case_with_the_sender_who_may_record_again(
    client, chair_a, chair_b, centre_a, centre_b, case_with_person
):
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    client.force_login(chair_b)
    url = reverse("cases:transfer-decline", args=[transfer.pk])
    response = client.post(url, {"decline-reason": "   "})
    assert response.status_code == 400
    assert field_errors(response, "decline-reason")
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    assert client.post(url, {"decline-reason": "อยู่นอกพื้นที่ของศูนย์"}).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by, transfer.decision_note) == (
        "declined",
        chair_b,
        "อยู่นอกพื้นที่ของศูนย์",
    )
    assert number_not_on_desk(client, case_with_person)
    case_with_person.refresh_from_db()
    assert case_with_person.centre == centre_a
    client.force_login(chair_a)
    visit = reverse("cases:visit-create", args=[case_with_person.pk])
    assert (
        client.post(visit, {"visited_on": be(clock.today()), "findings": "เยี่ยมต่อ"}).status_code
        == 302
    )
    page = client.get(reverse("cases:case-detail", args=[case_with_person.pk])).content.decode()
    assert "อยู่นอกพื้นที่ของศูนย์" in block(page, "timeline")
    assert 'id="transfer-case"' in page  # and may ask again, elsewhere or later


def number_not_on_desk(client, case) -> bool:
    return 'id="incoming-transfers"' not in client.get("/").content.decode()


def test_the_sender_cancels_and_a_cancelled_transfer_cannot_be_accepted(
    client, chair_a, chair_b, centre_a, centre_b, case_with_person
):
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    client.force_login(chair_a)
    detail = client.get(reverse("cases:transfer-detail", args=[transfer.pk])).content.decode()
    assert 'id="cancel-transfer"' in detail
    assert 'id="accept-transfer"' not in detail
    response = client.post(
        reverse("cases:transfer-cancel", args=[transfer.pk]), {"cancel-note": "ญาติรับไปดูแลแล้ว"}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    client.force_login(chair_b)
    assert number_not_on_desk(client, case_with_person)
    response = client.post(reverse("cases:transfer-accept", args=[transfer.pk]), {})
    assert response.status_code == 400
    assert response.context["errors"]
    case_with_person.refresh_from_db()
    transfer.refresh_from_db()
    assert case_with_person.centre == centre_a
    assert transfer.status == "cancelled"
    assert case_with_person.events.filter(kind="transfer_accepted").count() == 0


@pytest.mark.parametrize(
    ("post", "field"),
    [
        (request_post(code="XYZ"), "to_centre"),  # no such centre
        (request_post(code="BKN"), "to_centre"),  # the case's own centre
        (request_post(code="CLO"), "to_centre"),  # a closed centre
        (request_post(code=""), "to_centre"),
        (request_post(reason="  "), "reason"),
        (request_post(code="C" * 500), "to_centre"),
    ],
)
def test_a_bad_transfer_request_is_refused_beside_the_field_and_nothing_saved(
    client, chair_a, centre_b, case_with_person, post, field
):
    CentreFactory(code="CLO", status=Centre.Status.CLOSED)
    client.force_login(chair_a)
    response = client.post(reverse("cases:transfer-create", args=[case_with_person.pk]), post)
    assert response.status_code == 400
    assert field_errors(response, field)
    assert not CaseTransfer.objects.exists()
    assert not case_with_person.events.exclude(kind="opened").exists()


def test_a_closed_case_and_a_second_pending_transfer_are_refused_with_a_message(
    client, chair_a, chair_c, centre_a, centre_b, centre_c, case_with_person
):
    client.force_login(chair_a)
    url = reverse("cases:transfer-create", args=[case_with_person.pk])
    pending_transfer(chair_a, case_with_person, centre_b)
    response = client.post(url, request_post(code="TWT"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert CaseTransfer.objects.count() == 1
    closed = open_case(chair_a, centre_a)
    for step in ("assessing", "assisting", "monitoring"):
        case_change_status(actor=chair_a, case=closed, to_status=step)
    case_change_status(actor=chair_a, case=closed, to_status="closed", closure_reason="resolved")
    page = client.get(reverse("cases:case-detail", args=[closed.pk])).content.decode()
    assert 'id="transfer-case"' not in page
    response = client.post(reverse("cases:transfer-create", args=[closed.pk]), request_post())
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert CaseTransfer.objects.count() == 1


def test_only_a_writer_of_the_receiving_centre_may_answer_the_sender_403_others_404(
    client, chair_a, chair_c, centre_b, case_with_person
):
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    # The sender sees the transfer but may not answer it (403); a chair of a third centre does
    # not even learn that it exists (404).
    for user, status in ((chair_a, 403), (chair_c, 404)):
        client.force_login(user)
        for name, post in [("transfer-accept", {}), ("transfer-decline", {"decline-reason": "x"})]:
            url = reverse(f"cases:{name}", args=[transfer.pk])
            assert client.post(url, post).status_code == status
            assert client.get(url).status_code == status
    client.force_login(chair_c)
    for name in ("transfer-detail", "transfer-cancel"):
        assert client.get(reverse(f"cases:{name}", args=[transfer.pk])).status_code == 404
    assert client.post(reverse("cases:transfer-cancel", args=[transfer.pk])).status_code == 404
    create = reverse("cases:transfer-create", args=[case_with_person.pk])
    assert client.get(create).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_a_supervisor_reads_the_transfer_but_gets_403_on_every_action_and_sees_no_button(
    client, chair_a, supervisor_north, centre_b, case_with_person
):
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    client.force_login(supervisor_north)  # centre B is in the North
    page = client.get(reverse("cases:transfer-detail", args=[transfer.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="accept-transfer"' not in content
    assert 'id="cancel-transfer"' not in content
    assert 'id="case-summary"' not in content  # the person is the receiving writers' to read
    for name in ("transfer-accept", "transfer-decline", "transfer-cancel"):
        assert client.post(reverse(f"cases:{name}", args=[transfer.pk]), {}).status_code == 403
    create = reverse("cases:transfer-create", args=[case_with_person.pk])
    assert client.post(create, request_post()).status_code == 403
    assert 'id="incoming-transfers"' not in client.get("/").content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_the_transfer_button_is_only_for_writers_of_the_cases_centre(
    client, chair_a, chair_b, centre_a, case_with_person
):
    from tests.factories import StaffAssignmentFactory as Assign

    client.force_login(chair_a)
    url = reverse("cases:case-detail", args=[case_with_person.pk])
    assert 'id="transfer-case"' in client.get(url).content.decode()
    # B's chair supervising Bangkok reads A's case, and may not transfer it.
    Assign(user=chair_b, role="supervisor", centre=None, region_id="BKK")
    client.force_login(chair_b)
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="transfer-case"' not in page.content.decode()
    create = reverse("cases:transfer-create", args=[case_with_person.pk])
    assert client.get(create).status_code == 403
    assert client.post(create, request_post(code="TWT")).status_code == 403
    supervisor = UserFactory()
    Assign(user=supervisor, role="supervisor", centre=None, region_id="BKK")
    client.force_login(supervisor)
    assert 'id="transfer-case"' not in client.get(url).content.decode()


def test_a_chair_who_also_supervises_accepts_at_their_own_centre_only(
    client, chair_a, chair_b, centre_a, centre_b, centre_c, chair_c
):
    also_supervising_the_north(chair_a)  # reads B (Chiang Mai), writes at A only
    to_b = pending_transfer(chair_c, open_case(chair_c, centre_c), centre_b)
    to_a = pending_transfer(chair_c, open_case(chair_c, centre_c), centre_a)
    client.force_login(chair_a)
    desk = block(client.get("/").content.decode(), "incoming-transfers")
    assert to_a.case.number in desk
    assert to_b.case.number not in desk
    # B's incoming transfer is read as a supervisor, never answered.
    assert client.post(reverse("cases:transfer-accept", args=[to_b.pk])).status_code == 403
    assert client.post(reverse("cases:transfer-accept", args=[to_a.pk])).status_code == 302


def test_a_write_prepared_before_the_acceptance_is_refused_after_it(
    chair_a, chair_b, centre_b, case_with_person
):
    """The sender's page was read while the case was still theirs; the visit is saved after
    the receiver accepted: the service sees that the case moved and records nothing."""
    from django.core.exceptions import ValidationError

    from cases.services import visit_record

    stale = Case.objects.get(pk=case_with_person.pk)
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    case_transfer_accept(actor=chair_b, transfer=transfer)
    with pytest.raises(ValidationError) as error:
        visit_record(actor=chair_a, case=stale, visited_on=clock.today(), findings="มาช้า")
    assert error.value.code == "case_moved"
    assert not Visit.objects.exists()


def test_every_write_service_is_refused_while_a_transfer_is_pending(
    chair_a, centre_b, case_with_person, agency
):
    from django.core.exceptions import ValidationError

    from cases import services

    pending_transfer(chair_a, case_with_person, centre_b)
    case = case_with_person
    writes = [
        lambda: services.case_change_status(actor=chair_a, case=case, to_status="assessing"),
        lambda: services.case_update(actor=chair_a, case=case, urgency="urgent"),
        lambda: services.visit_record(
            actor=chair_a, case=case, visited_on=clock.today(), findings="x"
        ),
        lambda: services.assistance_record(
            actor=chair_a, case=case, kind="money", amount=100, given_on=clock.today()
        ),
        lambda: services.consent_record(actor=chair_a, case=case, given_by="self", purpose="x"),
        lambda: services.referral_create(
            actor=chair_a,
            case=case,
            agency=agency,
            reason="x",
            basis="vital_interest",
            basis_note="x",
        ),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as error:
            write()
        assert error.value.code == "case_in_transfer"
    case.refresh_from_db()
    assert (case.status, case.urgency) == ("new", "normal")
    assert list(case.events.values_list("kind", flat=True)) == ["opened", "transfer_requested"]
    assert not (case.visits.exists())
    assert not (case.assistance.exists())
    assert not (case.consents.exists())


def test_the_desk_lists_incoming_transfers_in_a_fixed_number_of_queries(
    client, chair_a, chair_c, centre_a, centre_c, django_assert_max_num_queries
):
    def incoming(n):
        for _ in range(n):
            pending_transfer(chair_c, open_case(chair_c, centre_c), centre_a)

    client.force_login(chair_a)
    incoming(2)
    with django_assert_max_num_queries(20) as few:
        page = client.get("/").content.decode()
    assert block(page, "incoming-transfers").count("<li>") == 2
    incoming(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/").content.decode()
    assert block(page, "incoming-transfers").count("<li>") == 8


def test_transfer_events_name_both_centres_in_thai_and_the_case_page_offers_the_transfer(
    client, chair_a, centre_a, centre_b, case_with_person
):
    transfer = pending_transfer(chair_a, case_with_person, centre_b)
    case_transfer_cancel(actor=chair_a, transfer=transfer, note="")
    client.force_login(chair_a)
    page = client.get(reverse("cases:case-detail", args=[case_with_person.pk])).content.decode()
    timeline = block(page, "timeline")
    assert "ขอโอนย้าย" in timeline
    assert "ยกเลิกการโอนย้าย" in timeline
    assert f"{centre_a} → {centre_b}" in timeline
    assert CaseEvent.objects.filter(transfer=transfer).count() == 2
