"""Changes of a registration's status made on the staff pages: suspend, reinstate, end.

Each runs in one transaction, checks that the actor writes at the registration's centre (a
supervisor reads only), refuses bad input with a ValidationError keyed by form field (``on``,
``reason``) in the user's language, and appends a RegistrationStatusChange with the old and
the new status, the date and the reason.

The path: active → suspended → active (reinstated), and active or suspended → ended. Ended
is final: the end is what the registry's figures count (endings in a fiscal year, active
volunteers today), and undoing it would rewrite that history; a volunteer who comes back is
registered again, with a new registration from the day they return. Every date is a day that
has come (not after today: the registry says what is, not what is planned), not before the
registration, and not before the registration's last change of status.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from volunteer_centre.actors import recorded_actor
from volunteers.models import Registration, RegistrationStatusChange
from volunteers.validation import validate_registration_date

Status = Registration.Status

# Which status each change leaves from, and where it leads.
CHANGES: dict[str, tuple[frozenset[str], str]] = {
    "suspend": (frozenset({Status.ACTIVE}), Status.SUSPENDED),
    "reinstate": (frozenset({Status.SUSPENDED}), Status.ACTIVE),
    "end": (frozenset({Status.ACTIVE, Status.SUSPENDED}), Status.ENDED),
}
REASON_MAX = RegistrationStatusChange._meta.get_field("reason").max_length


def _invalid(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _refuse_step(registration: Registration, change: str) -> None:
    """The change must leave from a status it may leave from; say why not in words."""
    sources, _target = CHANGES[change]
    if registration.status in sources:
        return
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
    raise ValidationError(_("This registration is active: there is nothing to reinstate."),
                          code="not_suspended")  # fmt: skip


def _checked_day(registration: Registration, on: dt.date | None) -> dt.date:
    if not on:
        raise _invalid("on", _("Give the date."), "required")
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
    if len(reason) > REASON_MAX:
        raise _invalid(
            "reason",
            _("The reason has at most %(max)d characters.") % {"max": REASON_MAX},
            "too_long",
        )
    return reason


def _change(*, actor, registration: Registration, change: str, on, reason: str,
            reason_required: bool) -> Registration:  # fmt: skip
    if not Registration.objects.writable_by(actor).filter(pk=registration.pk).exists():
        raise PermissionDenied(_("You may not change the registrations of this centre."))
    locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    _refuse_step(locked, change)
    on = _checked_day(locked, on)
    reason = _checked_reason(reason, required=reason_required)
    from_status, to_status = locked.status, CHANGES[change][1]
    locked.status = to_status
    if to_status == Status.SUSPENDED:
        locked.suspended_on, locked.suspension_reason = on, reason
    else:
        # Reinstated or ended: no longer suspended (the history keeps the suspension).
        locked.suspended_on, locked.suspension_reason = None, ""
    if to_status == Status.ENDED:
        locked.ended_on, locked.end_reason = on, reason
    locked.save(update_fields=["status", "suspended_on", "suspension_reason", "ended_on",
                               "end_reason"])  # fmt: skip
    RegistrationStatusChange.objects.create(
        registration=locked,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason,
        actor=recorded_actor(actor),
    )
    for field in ("status", "suspended_on", "suspension_reason", "ended_on", "end_reason"):
        setattr(registration, field, getattr(locked, field))
    return registration


@transaction.atomic
def registration_suspend(
    *, actor, registration: Registration, on: dt.date | None, reason: str
) -> Registration:
    """Suspend an active registration from ``on`` (not after today), for ``reason``
    (required). Kept on the registration while it lasts, and in its history."""
    return _change(actor=actor, registration=registration, change="suspend", on=on,
                   reason=reason, reason_required=True)  # fmt: skip


@transaction.atomic
def registration_reinstate(
    *, actor, registration: Registration, on: dt.date | None, reason: str = ""
) -> Registration:
    """Make a suspended registration active again from ``on``; the reason is optional (the
    suspension ending is reason enough). An ended registration is never reinstated."""
    return _change(actor=actor, registration=registration, change="reinstate", on=on,
                   reason=reason, reason_required=False)  # fmt: skip


@transaction.atomic
def registration_end(
    *, actor, registration: Registration, on: dt.date | None, reason: str
) -> Registration:
    """End an active or suspended registration on ``on`` (not after today, not before it
    began), for ``reason`` (required). Final."""
    return _change(actor=actor, registration=registration, change="end", on=on,
                   reason=reason, reason_required=True)  # fmt: skip
