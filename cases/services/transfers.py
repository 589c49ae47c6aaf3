"""Transfers of a case to another centre: the request, and its acceptance,
decline or cancellation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, CaseTransfer, TransferStatus
from cases.services._checks import S, _event, _invalid, _locked, _require_writer
from centres.models import Centre
from volunteer_centre.actors import recorded_actor
from volunteers.models import Registration

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def _locked_transfer(transfer: CaseTransfer) -> tuple[Case, CaseTransfer]:
    """The case and the transfer re-read under row locks, the case first (the order of every
    write to a case), so that two answers to one transfer cannot both pass."""
    case = _locked(transfer.case)
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("from_centre", "to_centre")
        .get(pk=transfer.pk)
    )
    return case, locked


def _require_pending(transfer: CaseTransfer) -> None:
    if transfer.is_pending:
        return
    messages: dict[str, StrPromise] = {
        TransferStatus.ACCEPTED: _("This transfer was already accepted on %(day)s."),
        TransferStatus.DECLINED: _("This transfer was declined on %(day)s."),
        TransferStatus.CANCELLED: _("This transfer was cancelled on %(day)s."),
    }
    day = date_format(timezone.localtime(transfer.decided_at), "SHORT_DATE_FORMAT")
    raise ValidationError(messages[transfer.status], code="transfer_answered", params={"day": day})


def _transfer_detail(transfer: CaseTransfer) -> dict[str, str]:
    """What the events keep of a transfer: the centres' codes, from and to."""
    return {"from_centre": transfer.from_centre.code, "to_centre": transfer.to_centre.code}


def _answer(transfer: CaseTransfer, actor: User, status: str, note: str) -> None:
    transfer.status = status
    transfer.decided_by = recorded_actor(actor)
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def case_transfer_request(
    *, actor: User, case: Case, to_centre: Centre, reason: str
) -> CaseTransfer:
    """Ask ``to_centre`` to take ``case`` over, saying why.

    The actor writes at the case's centre; the case is open and has no transfer pending; the
    receiving centre is another one, and open. Until the receiving centre answers, the case
    stays where it is and nothing is recorded on it (see ``_refuse_while_in_transfer``)."""
    _require_writer(actor, case.centre)
    locked = _locked(case)
    if locked.centre_id != case.centre_id:
        raise ValidationError(
            _("Case %(number)s has just moved to another centre."),
            code="case_moved",
            params={"number": case.number},
        )
    if locked.status == S.CLOSED:
        raise ValidationError(
            _(
                "Case %(number)s is closed: a closed case is not transferred. Reopen it first if "
                "the person needs the other centre's help."
            ),
            code="case_closed",
            params={"number": locked.number},
        )
    pending = CaseTransfer.objects.pending().filter(case=locked).select_related("to_centre")
    already = pending.first()
    if already is not None:
        raise ValidationError(
            _("Case %(number)s already has a transfer to %(centre)s waiting for an answer."),
            code="transfer_pending",
            params={"number": locked.number, "centre": already.to_centre},
        )
    errors: dict[str, ValidationError] = {}
    if to_centre.pk == locked.centre_id:
        errors["to_centre"] = ValidationError(
            _("The case is already at this centre: choose another one."), code="same_centre"
        )
    elif to_centre.status != Centre.Status.ACTIVE:
        errors["to_centre"] = ValidationError(
            _("This centre is closed: choose an open centre."), code="centre_closed"
        )
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ValidationError(_("Say why the case is transferred."), code="required")
    if errors:
        raise ValidationError(errors)
    transfer = CaseTransfer.objects.create(
        case=locked,
        from_centre=locked.centre,
        to_centre=to_centre,
        reason=reason,
        requested_by=recorded_actor(actor),
    )
    _event(
        locked,
        actor,
        CaseEvent.Kind.TRANSFER_REQUESTED,
        transfer=transfer,
        note=reason,
        detail=_transfer_detail(transfer),
    )
    return transfer


@transaction.atomic
def case_transfer_accept(*, actor: User, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """Take the case over: its centre becomes the receiving centre, in this transaction.

    The actor writes at the receiving centre; the transfer is pending and the receiving centre
    still open. The case keeps its number and its whole history; the person stays recorded by
    the centre that recorded them and is seen by the new one through the case. Volunteers of
    the sending centre who are not active at the receiving one are taken off the case (a case
    is worked on by volunteers of its own centre), with an event naming them."""
    _require_writer(actor, transfer.to_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    if locked.to_centre.status != Centre.Status.ACTIVE:
        raise ValidationError(
            _("%(centre)s is closed and cannot take the case over: decline the transfer."),
            code="centre_closed",
            params={"centre": locked.to_centre},
        )
    if case.centre_id != locked.from_centre_id:
        # Only a transfer can move a case, and there is one pending at most: never reached.
        raise ValidationError(_("The case is no longer at the sending centre."), code="case_moved")
    active_there = Registration.objects.active().filter(centre=locked.to_centre)
    leaving = list(
        case.assignments.exclude(volunteer__in=active_there.values("volunteer"))
        .order_by("volunteer_id")
        .values_list("volunteer_id", flat=True)
    )
    note = (note or "").strip()
    _answer(locked, actor, TransferStatus.ACCEPTED, note)
    case.centre = locked.to_centre
    case.save(update_fields=["centre"])
    _event(
        case,
        actor,
        CaseEvent.Kind.TRANSFER_ACCEPTED,
        transfer=locked,
        note=note,
        detail=_transfer_detail(locked),
    )
    if leaving:
        case.assignments.filter(volunteer_id__in=leaving).delete()
        _event(
            case,
            actor,
            CaseEvent.Kind.UNASSIGNED,
            detail={"volunteers": leaving, "transfer": locked.pk},
        )
    transfer.case.centre = case.centre
    return locked


@transaction.atomic
def case_transfer_decline(*, actor: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """Decline a pending transfer, saying why; the case stays at the sending centre, which
    may record on it again. The actor writes at the receiving centre."""
    _require_writer(actor, transfer.to_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the transfer is declined."), "required")
    _answer(locked, actor, TransferStatus.DECLINED, reason)
    _event(
        case,
        actor,
        CaseEvent.Kind.TRANSFER_DECLINED,
        transfer=locked,
        note=reason,
        detail=_transfer_detail(locked),
    )
    return locked


@transaction.atomic
def case_transfer_cancel(*, actor: User, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """Withdraw a pending transfer; the actor writes at the sending centre."""
    _require_writer(actor, transfer.from_centre)
    case, locked = _locked_transfer(transfer)
    _require_pending(locked)
    note = (note or "").strip()
    _answer(locked, actor, TransferStatus.CANCELLED, note)
    _event(
        case,
        actor,
        CaseEvent.Kind.TRANSFER_CANCELLED,
        transfer=locked,
        note=note,
        detail=_transfer_detail(locked),
    )
    return locked
