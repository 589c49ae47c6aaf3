"""Checks shared by the services: who may write at a centre, closed cases, dates, choices,
volunteers, status steps, a transfer under way, and the event every write ends with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, CaseEvent, CaseStatus, CaseTransfer, Referral
from centres.access import scope_for
from centres.models import Centre
from volunteer_centre.actors import recorded_actor
from volunteer_centre.ministry import MINISTRY_FOUNDED
from volunteers.models import Registration, Volunteer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = CaseStatus


def _invalid(field: str, message: StrOrPromise, code: str) -> ValidationError:
    """An error for one form field. ValidationError({field: message}, code=...) would drop
    the code, which callers and tests read."""
    return ValidationError({field: ValidationError(message, code=code)})


def _require_writer(actor: User, centre: Centre) -> None:
    """The actor writes at ``centre``: a chair or staff member of it (or a centre above it),
    or a ministry administrator. Supervisors read only."""
    scope = scope_for(actor)
    if scope.can_write and (
        scope.sees_all or Centre.objects.writable_by(actor).filter(pk=centre.pk).exists()
    ):
        return
    raise PermissionDenied(_("You may not change the cases of this centre."))


def _require_open(case: Case) -> None:
    if case.status == S.CLOSED:
        raise ValidationError(
            _("Case %(number)s is closed; reopen it first."),
            code="case_closed",
            params={"number": case.number},
        )


# No case is older than the ministry (MINISTRY_FOUNDED). An earlier date is a mistyped year,
# which the date fields accept (they read any year from 1 upwards).
EARLIEST_CASE_DATE = MINISTRY_FOUNDED


def _day(value: dt.date | None, field: str, *, case: Case | None = None) -> dt.date:
    """A date that is not in the future (nor before the case was opened, nor before the
    ministry existed)."""
    today = timezone.localdate()
    value = value or today
    if value > today:
        raise _invalid(field, _("This date is in the future."), "future_date")
    if case is not None and value < case.opened_on:
        raise _invalid(
            field,
            _("This date is before the case was opened (%(opened)s).")
            % {"opened": date_format(case.opened_on, "SHORT_DATE_FORMAT")},
            "before_opening",
        )
    if value < EARLIEST_CASE_DATE:
        raise _invalid(
            field,
            _("This date is before the ministry was founded (%(day)s): please check the year.")
            % {"day": date_format(EARLIEST_CASE_DATE, "SHORT_DATE_FORMAT")},
            "too_early",
        )
    return value


def _choices(values: Iterable[str], choices: type[TextChoices], field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    valid = {c.value for c in choices}
    if any(v not in valid for v in values):
        raise _invalid(field, _("Choose from the list."), "invalid_choice")
    return values


def _choice(value: str, choices: type[TextChoices], field: str) -> str:
    return _choices([value], choices, field)[0]


def _active_volunteers(case: Case, volunteers: Iterable[Volunteer | int]) -> list[int]:
    """The ids of ``volunteers``, each of whom must be an active volunteer of the case's centre."""
    ids = list(dict.fromkeys(v if isinstance(v, int) else v.pk for v in volunteers))
    if not ids:
        return []
    active = set(
        Registration.objects.filter(
            centre_id=case.centre_id, status=Registration.Status.ACTIVE, volunteer_id__in=ids
        ).values_list("volunteer_id", flat=True)
    )
    strangers = [pk for pk in ids if pk not in active]
    if strangers:
        names = ", ".join(
            v.display_name for v in Volunteer.objects.filter(pk__in=strangers).order_by("pk")
        )
        raise _invalid(
            "volunteers",
            _(
                "%(names)s: not an active volunteer of %(centre)s. Only volunteers "
                "registered at the case's centre can work on it."
            )
            % {"names": names or strangers, "centre": case.centre},
            "volunteer_of_another_centre",
        )
    return ids


def _check_step(
    transitions: Mapping[str, frozenset[str]],
    statuses: type[TextChoices],
    from_status: str,
    to_status: str,
    message: StrOrPromise,
) -> None:
    """Refuse a status change its path does not allow, naming the steps that are."""
    allowed = transitions.get(from_status, frozenset())
    if to_status in allowed:
        return
    raise ValidationError(
        message
        % {
            "from": statuses(from_status).label,
            "to": statuses(to_status).label if to_status in statuses.values else to_status,
            "next": ", ".join(str(s.label) for s in statuses if s in allowed)
            or pgettext_lazy("no next status", "none"),
        },
        code="illegal_transition",
    )


TRANSFER_EVENT_KINDS = frozenset(
    {
        CaseEvent.Kind.TRANSFER_REQUESTED,
        CaseEvent.Kind.TRANSFER_ACCEPTED,
        CaseEvent.Kind.TRANSFER_DECLINED,
        CaseEvent.Kind.TRANSFER_CANCELLED,
    }
)


def _refuse_while_in_transfer(case: Case, kind: str) -> None:
    """Refuse a write to ``case`` while a transfer of it is pending, or once it has moved to
    another centre since the caller read it.

    The case row is locked first, as the transfer services lock it, so a write and a transfer
    request or acceptance never interleave: the write either comes before the request, or it
    sees the pending transfer (or the new centre) and is refused. The transfer's own events
    pass."""
    if kind in TRANSFER_EVENT_KINDS:
        return
    centre_id = Case.objects.select_for_update().values_list("centre_id", flat=True).get(pk=case.pk)
    if centre_id != case.centre_id:
        raise ValidationError(
            _(
                "Case %(number)s has just moved to another centre: nothing more is recorded on "
                "it here."
            ),
            code="case_moved",
            params={"number": case.number},
        )
    pending = CaseTransfer.objects.pending().filter(case_id=case.pk).select_related("to_centre")
    transfer = pending.first()
    if transfer is not None:
        raise ValidationError(
            _(
                "Case %(number)s is being transferred to %(centre)s: nothing can be recorded on "
                "it until that centre accepts or declines the transfer, or it is cancelled."
            ),
            code="case_in_transfer",
            params={"number": case.number, "centre": transfer.to_centre},
        )


class EventFields(TypedDict, total=False):
    """What a service may set on the CaseEvent it appends, beside the case, kind and actor."""

    note: str
    from_status: str
    to_status: str
    # JSON: primitives, lists and mappings of them.
    detail: Mapping[str, object]
    referral: Referral
    transfer: CaseTransfer


def _event(case: Case, actor: User, kind: str, **fields: Unpack[EventFields]) -> CaseEvent:
    # Every write to a case ends here: while a transfer is pending it is refused (see
    # _refuse_while_in_transfer above), and the whole service rolls back.
    _refuse_while_in_transfer(case, kind)
    return CaseEvent.objects.create(case=case, kind=kind, actor=recorded_actor(actor), **fields)


def _locked(case: Case) -> Case:
    """Re-read ``case`` under a row lock, so two status changes cannot interleave."""
    return Case.objects.select_for_update().select_related("centre").get(pk=case.pk)
