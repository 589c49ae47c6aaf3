"""The consent of the person (or of a guardian) to share their data, and its withdrawal."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Consent, ConsentGiver
from cases.services._checks import _choice, _day, _event, _invalid, _require_writer
from volunteer_centre.actors import recorded_actor


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case: Case,
    given_by: str,
    purpose: str,
    given_on: dt.date | None = None,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    """Record the consent of the person (or of a guardian, who must be named)."""
    _require_writer(actor, case.centre)
    given_by = _choice(given_by, ConsentGiver, "given_by")
    if given_by == ConsentGiver.GUARDIAN and not guardian_name.strip():
        raise _invalid("guardian_name", _("Give the guardian's name."), "guardian_name")
    if not (purpose or "").strip():
        raise _invalid("purpose", _("Say what the consent is for."), "purpose_missing")
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        guardian_name=guardian_name.strip() if given_by == ConsentGiver.GUARDIAN else "",
        guardian_relation=guardian_relation.strip() if given_by == ConsentGiver.GUARDIAN else "",
        purpose=purpose.strip(),
        given_on=_day(given_on, "given_on"),
        recorded_by=recorded_actor(actor),
    )
    _event(case, actor, CaseEvent.Kind.CONSENT, detail={"consent": consent.pk})
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: dt.date | None = None, note: str = ""
) -> Consent:
    """Mark a consent withdrawn. Referrals already sent stay on record; no new referral may
    rely on it."""
    case = consent.case
    _require_writer(actor, case.centre)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_on is not None:
        raise ValidationError(
            _("This consent was already withdrawn on %(day)s.")
            % {"day": date_format(locked.withdrawn_on, "SHORT_DATE_FORMAT")},
            code="already_withdrawn",
        )
    withdrawn_on = _day(withdrawn_on, "withdrawn_on")
    if withdrawn_on < locked.given_on:
        raise _invalid(
            "withdrawn_on",
            _("Consent cannot be withdrawn before it was given."),
            "withdrawn_before_given",
        )
    locked.withdrawn_on = withdrawn_on
    locked.save(update_fields=["withdrawn_on"])
    consent.withdrawn_on = withdrawn_on
    detail = {
        "consent": locked.pk,
        "changed": {"withdrawn_on": {"from": None, "to": str(withdrawn_on)}},
    }
    _event(case, actor, CaseEvent.Kind.CONSENT_WITHDRAWN, note=(note or "").strip(), detail=detail)
    return consent
