"""The two histories the services write, in the admin: a case's transfers and a registration's
changes of status. Listed, filtered, searched and shown to the roles that read their centre's
records, within their scope; added, changed or deleted by nobody, a superuser included."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseTransfer
from cases.services import case_transfer_request
from tests.cases.factories import PersonFactory, open_case
from tests.factories import CentreFactory, RegistrationFactory, StaffAssignmentFactory, UserFactory
from volunteer_centre.identity import format_national_id
from volunteers.models import RegistrationStatusChange
from volunteers.services import registration_end, registration_suspend

pytestmark = pytest.mark.django_db

THAI_MONTHS = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
TRANSFERS = reverse("admin:cases_casetransfer_changelist")
CHANGES = reverse("admin:volunteers_registrationstatuschange_changelist")


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def centre_c(national_centre):
    return CentreFactory(code="TWT", parent=national_centre, district_id="1048")


@pytest.fixture
def chair_c(centre_c):
    user = UserFactory(username="chair-c")
    StaffAssignmentFactory(user=user, role="chair", centre=centre_c)
    return user


def transfer(chair, centre, to_centre, reason="ย้ายบ้าน"):
    case = open_case(chair, centre, person=PersonFactory(centre=centre))
    return case_transfer_request(actor=chair, case=case, to_centre=to_centre, reason=reason)


@pytest.fixture
def transfers(chair_a, chair_b, chair_c, centre_a, centre_b, centre_c):
    """A's case sent to C, C's case sent to A, and B's case sent to C (nothing of A's)."""
    return {
        "sent by A": transfer(chair_a, centre_a, centre_c, reason="ครอบครัวย้ายไปทวีวัฒนา"),
        "sent to A": transfer(chair_c, centre_c, centre_a),
        "elsewhere": transfer(chair_b, centre_b, centre_c, reason="ย้ายไปอยู่กับลูก"),
    }


# -- transfers -------------------------------------------------------------------------------


def test_a_chair_reads_the_transfers_to_and_from_their_centre_and_no_others(
    client, chair_a, transfers
):
    client.force_login(chair_a)
    assert set(listed(client.get(TRANSFERS))) == {transfers["sent by A"], transfers["sent to A"]}
    page = client.get(reverse("admin:cases_casetransfer_change", args=[transfers["sent by A"].pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    content = page.content.decode()
    assert "ครอบครัวย้ายไปทวีวัฒนา" in content
    assert 'name="_save"' not in content
    assert "รอการตอบรับ" in content  # the status, in Thai
    outside = reverse("admin:cases_casetransfer_change", args=[transfers["elsewhere"].pk])
    assert client.get(outside).status_code == 404


def test_a_supervisor_reads_the_transfers_of_their_region(client, supervisor_north, transfers):
    client.force_login(supervisor_north)
    assert listed(client.get(TRANSFERS)) == [transfers["elsewhere"]]


@pytest.mark.parametrize("who", ["chair_a", "ministry_admin", "superuser"])
def test_nobody_adds_changes_or_deletes_a_transfer_in_the_admin(client, request, who, transfers):
    client.force_login(request.getfixturevalue(who))
    record = transfers["sent by A"]
    before = list(CaseTransfer.objects.order_by("pk").values())
    assert client.get(reverse("admin:cases_casetransfer_add")).status_code == 403
    change = reverse("admin:cases_casetransfer_change", args=[record.pk])
    assert client.post(change, {"reason": "แก้", "status": "accepted"}).status_code == 403
    delete = reverse("admin:cases_casetransfer_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        TRANSFERS, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert list(CaseTransfer.objects.order_by("pk").values()) == before


def test_transfers_are_filtered_by_status_and_centre_and_searched_by_case_number(
    client, ministry_admin, transfers, centre_a, centre_c, chair_c
):
    from cases.services import case_transfer_accept

    case_transfer_accept(actor=chair_c, transfer=transfers["sent by A"], note="")
    client.force_login(ministry_admin)
    assert set(listed(client.get(TRANSFERS, {"status": "pending"}))) == {
        transfers["sent to A"],
        transfers["elsewhere"],
    }
    # A centre at either end.
    by_a = listed(client.get(TRANSFERS, {"centre": centre_a.pk}))
    assert set(by_a) == {transfers["sent by A"], transfers["sent to A"]}
    number = transfers["elsewhere"].case.number
    assert listed(client.get(TRANSFERS, {"q": number})) == [transfers["elsewhere"]]
    assert listed(client.get(TRANSFERS, {"q": "ทวีวัฒนา"})) == [transfers["sent by A"]]
    # A tampered filter lists nothing; it is never a 500.
    assert listed(client.get(TRANSFERS, {"centre": "abc"})) == []
    assert client.get(TRANSFERS, {"status": "<script>"}).status_code in (200, 302)


def test_transfer_dates_are_shown_in_the_buddhist_era(client, chair_a, transfers):
    client.force_login(chair_a)
    page = client.get(TRANSFERS).content.decode()
    requested = timezone.localtime(transfers["sent by A"].requested_at)
    # As the list writes it (j M Y H:i น.), with the Buddhist Era year.
    shown = f"{requested.day} {THAI_MONTHS[requested.month - 1]} {requested.year + 543}"
    assert shown in page


def test_the_transfer_list_costs_the_same_queries_whatever_its_length(
    client, ministry_admin, transfers, chair_a, centre_a, centre_c, django_assert_max_num_queries
):
    client.force_login(ministry_admin)
    with django_assert_max_num_queries(20) as few:
        client.get(TRANSFERS)
    for _ in range(6):
        transfer(chair_a, centre_a, centre_c)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(client.get(TRANSFERS))) == 9


# -- registration status changes ------------------------------------------------------------------


@pytest.fixture
def changes(chair_a, chair_b, centre_a, centre_b):
    """A's registration suspended on 1 June 2019; B's ended."""
    ours = RegistrationFactory(centre=centre_a, volunteer__first_name="พักก่อน")
    registration_suspend(
        actor=chair_a, registration=ours, on=dt.date(2019, 6, 1), reason="ป่วยพักรักษาตัว"
    )
    theirs = RegistrationFactory(centre=centre_b, volunteer__first_name="ลาออกแล้ว")
    registration_end(actor=chair_b, registration=theirs, on=dt.date(2020, 1, 15), reason="ย้าย")
    return {
        "A": RegistrationStatusChange.objects.get(registration=ours),
        "B": RegistrationStatusChange.objects.get(registration=theirs),
    }


def test_a_chair_reads_the_status_changes_of_their_centre_in_the_buddhist_era(
    client, chair_a, changes
):
    client.force_login(chair_a)
    response = client.get(CHANGES)
    assert listed(response) == [changes["A"]]
    page = response.content.decode()
    assert "พักก่อน" in page
    assert "1 มิ.ย. 2562" in page
    assert "ลาออกแล้ว" not in page
    detail = client.get(
        reverse("admin:volunteers_registrationstatuschange_change", args=[changes["A"].pk])
    )
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert "ป่วยพักรักษาตัว" in detail.content.decode()
    outside = reverse("admin:volunteers_registrationstatuschange_change", args=[changes["B"].pk])
    assert client.get(outside).status_code == 404


def test_a_supervisor_reads_the_status_changes_of_their_region(client, supervisor_north, changes):
    client.force_login(supervisor_north)
    assert listed(client.get(CHANGES)) == [changes["B"]]


@pytest.mark.parametrize("who", ["chair_a", "ministry_admin", "superuser"])
def test_nobody_adds_changes_or_deletes_a_status_change_in_the_admin(client, request, who, changes):
    client.force_login(request.getfixturevalue(who))
    record = changes["A"]
    before = list(RegistrationStatusChange.objects.order_by("pk").values())
    assert client.get(reverse("admin:volunteers_registrationstatuschange_add")).status_code == 403
    change = reverse("admin:volunteers_registrationstatuschange_change", args=[record.pk])
    assert client.post(change, {"reason": "แก้", "to_status": "ended"}).status_code == 403
    delete = reverse("admin:volunteers_registrationstatuschange_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(RegistrationStatusChange.objects.order_by("pk").values()) == before


def test_status_changes_are_filtered_and_searched_by_the_volunteer(
    client, ministry_admin, changes, centre_a
):
    client.force_login(ministry_admin)
    assert listed(client.get(CHANGES, {"to_status": "suspended"})) == [changes["A"]]
    assert listed(client.get(CHANGES, {"region": "N"})) == [changes["B"]]
    assert listed(client.get(CHANGES, {"centre": centre_a.pk})) == [changes["A"]]
    volunteer = changes["A"].registration.volunteer
    found = client.get(CHANGES, {"q": format_national_id(volunteer.national_id)})
    assert listed(found) == [changes["A"]]
    assert listed(client.get(CHANGES, {"q": "พักก่อน"})) == [changes["A"]]
    assert listed(client.get(CHANGES, {"q": "ป่วย"})) == [changes["A"]]  # the reason
    number = changes["B"].registration.number
    assert listed(client.get(CHANGES, {"q": number})) == [changes["B"]]
    # A tampered filter is left out, never a 500.
    assert set(listed(client.get(CHANGES, {"centre": "x1"}))) == {changes["A"], changes["B"]}


def test_the_status_change_list_costs_the_same_queries_whatever_its_length(
    client, ministry_admin, changes, chair_a, centre_a, django_assert_max_num_queries
):
    client.force_login(ministry_admin)
    with django_assert_max_num_queries(20) as few:
        client.get(CHANGES)
    for _ in range(6):
        registration = RegistrationFactory(centre=centre_a)
        registration_suspend(
            actor=chair_a, registration=registration, on=dt.date(2019, 6, 1), reason="พัก"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(client.get(CHANGES))) == 8
