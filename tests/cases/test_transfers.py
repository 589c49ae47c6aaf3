"""Case transfers at the level of the model and the services: constraints, scope, the admin."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cases.models import Case, CaseTransfer
from cases.services import (
    case_transfer_accept,
    case_transfer_cancel,
    case_transfer_decline,
    case_transfer_request,
)
from tests.cases.factories import open_case
from tests.cases.test_admin import change_post, staff
from tests.factories import CentreFactory, StaffAssignmentFactory, UserFactory


@pytest.fixture
def case(centre_a, chair_a):
    return open_case(chair_a, centre_a)


def ask(chair, case, centre, reason="ย้ายบ้าน"):
    return case_transfer_request(actor=chair, case=case, to_centre=centre, reason=reason)


def test_the_database_refuses_a_second_pending_transfer_of_a_case(chair_a, case, centre_b):
    first = ask(chair_a, case, centre_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=case, from_centre=case.centre, to_centre=centre_b, reason="ซ้ำ"
        )
    case_transfer_cancel(actor=chair_a, transfer=first)
    assert ask(chair_a, case, centre_b).is_pending  # a cancelled one does not count


def test_the_database_refuses_a_transfer_to_the_same_centre_and_an_unanswered_decline(
    case, centre_b
):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=case, from_centre=case.centre, to_centre=case.centre, reason="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=case, from_centre=case.centre, to_centre=centre_b, reason="x", status="declined"
        )


def test_a_case_or_a_centre_with_a_transfer_cannot_be_deleted(chair_a, case, centre_b):
    ask(chair_a, case, centre_b)
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(ProtectedError):
        centre_b.delete()


def test_transfers_are_seen_at_both_ends_and_answered_at_the_right_one(
    chair_a, chair_b, supervisor_north, ministry_admin, case, centre_b
):
    transfer = ask(chair_a, case, centre_b)
    third = UserFactory()
    StaffAssignmentFactory(user=third, role="chair", centre=CentreFactory())
    seen = CaseTransfer.objects.visible_to
    assert list(seen(chair_a)) == list(seen(chair_b)) == list(seen(supervisor_north)) == [transfer]
    assert not seen(third).exists()
    assert list(CaseTransfer.objects.receivable_by(chair_b)) == [transfer]
    assert not CaseTransfer.objects.receivable_by(chair_a).exists()
    assert list(CaseTransfer.objects.sent_by(chair_a)) == [transfer]
    assert not CaseTransfer.objects.sent_by(chair_b).exists()
    for user in (supervisor_north, third):
        assert not CaseTransfer.objects.receivable_by(user).exists()
        assert not CaseTransfer.objects.writable_by(user).exists()
    assert list(CaseTransfer.objects.receivable_by(ministry_admin)) == [transfer]


def test_the_services_refuse_whoever_may_not_give_the_answer(
    chair_a, chair_b, supervisor_north, case, centre_b
):
    transfer = ask(chair_a, case, centre_b)
    for user in (chair_a, supervisor_north):
        with pytest.raises(PermissionDenied):
            case_transfer_accept(actor=user, transfer=transfer)
        with pytest.raises(PermissionDenied):
            case_transfer_decline(actor=user, transfer=transfer, reason="x")
    for user in (chair_b, supervisor_north):
        with pytest.raises(PermissionDenied):
            case_transfer_cancel(actor=user, transfer=transfer)
    with pytest.raises(PermissionDenied):
        ask(chair_b, case, centre_b)
    transfer.refresh_from_db()
    assert transfer.status == "pending"


def test_an_answered_transfer_takes_no_second_answer(chair_a, chair_b, case, centre_b):
    transfer = ask(chair_a, case, centre_b)
    case_transfer_accept(actor=chair_b, transfer=transfer)
    for answer in (
        lambda: case_transfer_accept(actor=chair_b, transfer=transfer),
        lambda: case_transfer_decline(actor=chair_b, transfer=transfer, reason="x"),
    ):
        with pytest.raises(ValidationError) as error:
            answer()
        assert error.value.code == "transfer_answered"
    case.refresh_from_db()
    assert case.centre == centre_b
    assert case.events.filter(kind="transfer_accepted").count() == 1


def test_a_receiving_centre_closed_while_pending_cannot_accept_but_may_decline(
    chair_a, chair_b, case, centre_a, centre_b
):
    transfer = ask(chair_a, case, centre_b)
    centre_b.status = "closed"
    centre_b.save()
    with pytest.raises(ValidationError) as error:
        case_transfer_accept(actor=chair_b, transfer=transfer)
    assert error.value.code == "centre_closed"
    case.refresh_from_db()
    assert case.centre == centre_a
    assert case_transfer_decline(actor=chair_b, transfer=transfer, reason="ศูนย์ปิด").status == (
        "declined"
    )


def test_the_admin_refuses_a_status_change_while_a_transfer_is_pending(
    client, chair_a, case, centre_b
):
    ask(chair_a, case, centre_b)
    client.force_login(staff(chair_a))
    response = change_post(client, case, new_status="assessing")
    assert response.status_code == 200
    assert "ระหว่างโอนย้าย" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new"
