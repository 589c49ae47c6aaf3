"""Every write of the volunteer registry that the staff pages and the admin make: registering
a volunteer, their registrations and their changes of status, and centre roles.

Each runs in one transaction, checks that the actor writes at the centre of what it changes
(a supervisor reads only), has the row checked by ``full_clean()`` (the fields' validators and
the models' rules, volunteers.rules) rather than by hand, and returns the saved row. Bad input
raises a ValidationError keyed by field in the user's language, each error with its code.

A registration's status changes (suspend, reinstate, end) also append a
RegistrationStatusChange with the old and the new status, the date and the reason. The path:
active → suspended → active (reinstated), and active or suspended → ended. Ended is final: the
end is what the registry's figures count (endings in a fiscal year, active volunteers today),
and undoing it would rewrite that history; a volunteer who comes back is registered again, with
a new registration from the day they return. Every date is a day that has come (not after
today: the registry says what is, not what is planned), not before the registration, and not
before the registration's last change of status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from volunteer_centre.actors import recorded_actor
from volunteers.models import CentreRole, Registration, RegistrationStatusChange, Volunteer
from volunteers.validation import validate_registration_date

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Registration.Status

# Which status each change leaves from, and where it leads.
CHANGES: dict[str, tuple[frozenset[str], str]] = {
    "suspend": (frozenset({Status.ACTIVE}), Status.SUSPENDED),
    "reinstate": (frozenset({Status.SUSPENDED}), Status.ACTIVE),
    "end": (frozenset({Status.ACTIVE, Status.SUSPENDED}), Status.ENDED),
}


def _invalid(field: str, message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _refuse_step(registration: Registration, change: str) -> None:
    """The change must leave from a status it may leave from; say why not in words."""
    sources, _target = CHANGES[change]
    if registration.status in sources:
        return
    message: StrOrPromise
    if registration.status == Status.ENDED:
        message = _(
            "This registration ended on %(day)s: an ended registration is final. If the "
            "volunteer comes back, register them again."
        ) % {"day": _day(registration.ended_on) if registration.ended_on else "–"}
        raise ValidationError(message, code="registration_ended")
    if change == "suspend":
        since = registration.suspended_on
        message = (
            _("This registration is already suspended, since %(day)s.") % {"day": _day(since)}
            if since
            else _("This registration is already suspended.")
        )
        raise ValidationError(message, code="already_suspended")
    raise ValidationError(
        _("This registration is active: there is nothing to reinstate."), code="not_suspended"
    )


def _checked_day(registration: Registration, on: dt.date | None) -> dt.date:
    if not on:
        raise _invalid("on", _("Give the date."), "required")
    # A registration's date rule (a reinstatement's date is kept in the history only, whose
    # field declares none).
    try:
        validate_registration_date(on)
    except ValidationError as error:
        raise ValidationError({"on": error.error_list}) from None
    if on < registration.registered_on:
        raise _invalid(
            "on",
            _("This date is before the registration began (%(day)s).")
            % {"day": _day(registration.registered_on)},
            "before_registration",
        )
    last = registration.status_changes.order_by("-on", "-at").values_list("on", flat=True).first()
    floor = max((d for d in (last, registration.suspended_on) if d), default=None)
    if floor and on < floor:
        raise _invalid(
            "on",
            _("This date is before the last change of status (%(day)s).") % {"day": _day(floor)},
            "before_last_change",
        )
    return on


def _checked_reason(reason: str, *, required: bool) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise _invalid("reason", _("Give the reason."), "required")
    return reason


def _change(
    *,
    actor: User,
    registration: Registration,
    change: str,
    on: dt.date | None,
    reason: str,
    reason_required: bool,
) -> Registration:
    if not Registration.objects.writable_by(actor).filter(pk=registration.pk).exists():
        raise PermissionDenied(_("You may not change the registrations of this centre."))
    locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    _refuse_step(locked, change)
    on = _checked_day(locked, on)
    reason = _checked_reason(reason, required=reason_required)
    from_status, to_status = locked.status, CHANGES[change][1]
    record = RegistrationStatusChange(
        registration=locked,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason,
        actor=recorded_actor(actor),
    )
    # The reason's length, as the model declares it.
    record.full_clean()
    locked.status = to_status
    if to_status == Status.SUSPENDED:
        locked.suspended_on, locked.suspension_reason = on, reason
    else:
        # Reinstated or ended: no longer suspended (the history keeps the suspension).
        locked.suspended_on, locked.suspension_reason = None, ""
    if to_status == Status.ENDED:
        locked.ended_on, locked.end_reason = on, reason
    locked.save(
        update_fields=["status", "suspended_on", "suspension_reason", "ended_on", "end_reason"]
    )
    record.save()
    for field in ("status", "suspended_on", "suspension_reason", "ended_on", "end_reason"):
        setattr(registration, field, getattr(locked, field))
    return registration


@transaction.atomic
def registration_suspend(
    *, actor: User, registration: Registration, on: dt.date | None, reason: str
) -> Registration:
    """Suspend an active registration from ``on`` (not after today), for ``reason``
    (required). Kept on the registration while it lasts, and in its history."""
    return _change(
        actor=actor,
        registration=registration,
        change="suspend",
        on=on,
        reason=reason,
        reason_required=True,
    )


@transaction.atomic
def registration_reinstate(
    *, actor: User, registration: Registration, on: dt.date | None, reason: str = ""
) -> Registration:
    """Make a suspended registration active again from ``on``; the reason is optional (the
    suspension ending is reason enough). An ended registration is never reinstated."""
    return _change(
        actor=actor,
        registration=registration,
        change="reinstate",
        on=on,
        reason=reason,
        reason_required=False,
    )


@transaction.atomic
def registration_end(
    *, actor: User, registration: Registration, on: dt.date | None, reason: str
) -> Registration:
    """End an active or suspended registration on ``on`` (not after today, not before it
    began), for ``reason`` (required). Final."""
    return _change(
        actor=actor,
        registration=registration,
        change="end",
        on=on,
        reason=reason,
        reason_required=True,
    )


# -- volunteers, registrations and centre roles ---------------------------------------------------

NOT_WRITER = _("You may not change the volunteers of this centre.")


def _require_writer_at(actor: User, centre_id: int | None) -> None:
    """The actor writes at the centre (a chair or staff member of it or of a centre above it,
    or a ministry administrator). No centre yet: full_clean() says it is required."""
    if (
        centre_id is not None
        and not Centre.objects.writable_by(actor).filter(pk=centre_id).exists()
    ):
        raise PermissionDenied(NOT_WRITER)


# The rows these services save (each model's ``objects`` is its scoped QuerySet).
_Row = TypeVar("_Row", Volunteer, Registration, CentreRole)


def _require_writable(actor: User, row: _Row) -> None:
    """The saved ``row``, as it is in the database, is one the actor may change."""
    if not type(row).objects.writable_by(actor).filter(pk=row.pk).exists():
        raise PermissionDenied(NOT_WRITER)


def _save(actor: User, row: _Row, changes: Mapping[str, object]) -> _Row:
    """``row`` with ``changes``, checked by full_clean() and saved: a saved row must be the
    actor's to change as it was, and a centre's row is at a centre the actor writes at."""
    if row.pk is not None:
        _require_writable(actor, row)
    for field, value in changes.items():
        setattr(row, field, value)
    _require_writer_at(actor, getattr(row, "centre_id", None))
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def volunteer_register(
    *, actor: User, volunteer: Volunteer, registration: Registration
) -> Volunteer:
    """Enter a new volunteer (unsaved) into the registry with their first registration (unsaved,
    at a centre the actor writes at): a volunteer belongs to the centres of their registrations,
    and without one no chair would see them. The volunteer's errors come first."""
    _require_writer_at(actor, registration.centre_id)
    volunteer.full_clean()
    # The registration's rules read the volunteer (their birth date, their passport).
    registration.volunteer = volunteer
    registration.full_clean(exclude=["volunteer"])
    volunteer.save()
    registration.volunteer = volunteer
    registration.save()
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, **changes: object) -> Volunteer:
    """Save a volunteer's record with ``changes`` (or with those a form has set on it)."""
    return _save(actor, volunteer, changes)


@transaction.atomic
def registration_create(*, actor: User, registration: Registration) -> Registration:
    """Save a new registration (unsaved, of a saved volunteer) at a centre the actor writes at."""
    # None until saved (django-stubs types an AutoField's pk as int).
    pk: int | None = registration.pk
    if pk is not None:
        raise ValueError("registration_create saves a new registration")
    return _save(actor, registration, {})


@transaction.atomic
def registration_update(
    *, actor: User, registration: Registration, **changes: object
) -> Registration:
    """Save a registration with ``changes`` (or with those a form has set on it). Its status
    changes through registration_suspend, _reinstate and _end, which keep the history; the
    admin corrects it here."""
    return _save(actor, registration, changes)


@transaction.atomic
def centre_role_assign(*, actor: User, centre_role: CentreRole) -> CentreRole:
    """Give a volunteer an office at a centre (``centre_role``, unsaved): a chair's term must
    not overlap another chair's of the same centre."""
    pk: int | None = centre_role.pk  # None until saved, as in registration_create
    if pk is not None:
        raise ValueError("centre_role_assign saves a new role")
    return _save(actor, centre_role, {})


@transaction.atomic
def centre_role_update(*, actor: User, centre_role: CentreRole, **changes: object) -> CentreRole:
    """Save a centre role with ``changes`` (or with those a form has set on it)."""
    return _save(actor, centre_role, changes)


@transaction.atomic
def centre_role_end(*, actor: User, centre_role: CentreRole, ends_on: dt.date | None) -> CentreRole:
    """End a term of office on ``ends_on``, its last day (not before it began)."""
    if not ends_on:
        raise _invalid("ends_on", _("Give the date."), "required")
    return _save(actor, centre_role, {"ends_on": ends_on})
