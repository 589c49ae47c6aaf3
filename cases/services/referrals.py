"""Referrals of a case to an agency, and their answers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, Case, CaseEvent, Consent, LawfulBasis, Referral, ReferralStatus
from cases.services._checks import (
    _check_step,
    _choice,
    _day,
    _event,
    _invalid,
    _require_open,
    _require_writer,
)
from volunteer_centre.actors import recorded_actor

R = ReferralStatus

REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SENT: frozenset({R.ACCEPTED, R.REJECTED, R.REVOKED}),
    R.ACCEPTED: frozenset({R.DONE, R.REVOKED}),
    R.REJECTED: frozenset(),
    R.DONE: frozenset(),
    R.REVOKED: frozenset(),
}


NO_BASIS_MESSAGE = _(
    "A referral shares the person's data: record the person's (or guardian's) consent first, "
    "or choose a lawful basis (vital interest or legal duty) and explain it."
)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    reason: str,
    referred_on: dt.date | None = None,
    basis: str = LawfulBasis.CONSENT,
    consent: Consent | None = None,
    basis_note: str = "",
) -> Referral:
    """Refer the case to ``agency``. Needs a consent of the case that is not withdrawn (the
    latest one is used when none is named) or, for vital interest or a legal duty, a note on
    the basis. Without either it refuses and records nothing."""
    _require_writer(actor, case.centre)
    _require_open(case)
    basis = _choice(basis, LawfulBasis, "basis")
    referred_on = _day(referred_on, "referred_on", case=case)
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why the case is referred."), "required")
    if not agency.active:
        raise _invalid("agency", _("This agency is marked inactive."), "agency_inactive")
    if basis == LawfulBasis.CONSENT:
        usable = Consent.objects.filter(
            case=case, withdrawn_on__isnull=True, given_on__lte=referred_on
        )
        if consent is not None:
            consent = usable.filter(pk=consent.pk).first()
        else:
            consent = usable.order_by("-given_on", "-pk").first()
        if consent is None:
            raise _invalid("basis", NO_BASIS_MESSAGE, "no_consent")
        basis_note = basis_note.strip()
    else:
        consent = None
        if not basis_note.strip():
            raise _invalid("basis_note", NO_BASIS_MESSAGE, "no_basis_note")
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        referred_on=referred_on,
        reason=reason.strip(),
        basis=basis,
        consent=consent,
        basis_note=basis_note.strip(),
        recorded_by=recorded_actor(actor),
    )
    _event(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        referral=referral,
        to_status=ReferralStatus.SENT,
    )
    return referral


@transaction.atomic
def referral_update_status(
    *,
    actor: User,
    referral: Referral,
    to_status: str,
    on: dt.date | None = None,
    outcome: str = "",
    note: str = "",
) -> Referral:
    """Move a referral: sent → accepted or rejected, accepted → done, sent or accepted →
    revoked. Rejected, done and revoked are final. The outcome given is kept on the referral
    (when it has none yet) and always in the event."""
    _require_writer(actor, referral.case.centre)
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    # A closed case is history: an answer arriving later is recorded after reopening it, so
    # that nothing dated after the closing day hangs on a closed case.
    _require_open(locked.case)
    from_status = locked.status
    _check_step(
        REFERRAL_TRANSITIONS,
        R,
        from_status,
        to_status,
        _("A referral cannot go from “%(from)s” to “%(to)s”. Allowed from “%(from)s”: %(next)s."),
    )
    day = _day(on, "on")
    if day < locked.referred_on:
        raise _invalid("on", _("This date is before the referral was sent."), "before_referral")
    if to_status in (R.DONE, R.REVOKED) and locked.answered_on and day < locked.answered_on:
        raise _invalid(
            "on",
            _("This date is before the referral was answered (%(day)s).")
            % {"day": date_format(locked.answered_on, "SHORT_DATE_FORMAT")},
            "before_answer",
        )
    if to_status in (R.ACCEPTED, R.REJECTED):
        locked.answered_on = day
    else:
        locked.finished_on = day
    outcome = outcome.strip()
    if outcome and not locked.outcome:
        locked.outcome = outcome
    locked.status = to_status
    locked.save(update_fields=["status", "answered_on", "finished_on", "outcome"])
    _event(
        locked.case,
        actor,
        CaseEvent.Kind.REFERRAL_STATUS,
        referral=locked,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail={"on": str(day), "outcome": outcome} if outcome else {"on": str(day)},
    )
    return locked
