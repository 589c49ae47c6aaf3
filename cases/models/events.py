"""A case's history: its appended events, and how a correction's event reads back in the
user's language (the corrections on the timeline, issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.models._common import _day
from cases.models.cases import Case, CaseChildQuerySet, CaseStatus
from cases.models.persons import Household, HouseholdMember, Person
from volunteer_centre.identity import format_national_id, format_phone

# Consent and ReferralStatus are imported where they are used: the package imports this module
# before cases.models.referrals, so that CaseEvent is registered right after the case's other
# models, as when they were one module (the order of a case's related objects).


def _shown(value, labels: dict) -> str:
    """A stored value as the user reads it: choice labels, yes or no, a dash for nothing."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value) or "–"
    if isinstance(value, dict):
        # A record named as it was when the change was made (a place, a person): see
        # cases.services._stored. Places carry their Thai and English names.
        thai = (get_language() or "th").startswith("th")
        return str(value.get("th" if thai else "en") or value.get("th") or value.get("name") or "–")
    return str(labels.get(value, value)) if value not in ("", None) else "–"


def _changed_model(kind: str):
    """The model whose fields a correction event's ``detail["changed"]`` names."""
    from cases.models.referrals import Consent

    return {
        "person_updated": Person,
        "household_updated": Household,
        "consent_withdrawn": Consent,
    }.get(kind, Case)


_MEMBER_ACTIONS = {
    "added": pgettext_lazy("household member", "added"),
    "changed": pgettext_lazy("household member", "changed"),
    "removed": pgettext_lazy("household member", "removed"),
}
# The registered address is the one ThaiAddress gives a person; the current_* fields the other.
_REGISTERED_ADDRESS = _("registered address")
_CURRENT_ADDRESS = _("current address")
_HOUSEHOLD = _("household")
_HOUSEHOLD_MEMBER = _("household member")
_VOLUNTEERS = _("volunteers")
_ADDRESS_FIELDS = ("house_number", "moo", "village", "soi", "road", "subdistrict", "postcode")


def _field_label(model, name: str, field) -> str:
    """A field's name as a line of the timeline shows it; a person's two addresses apart."""
    if model is Person and name in _ADDRESS_FIELDS:
        return f"{_REGISTERED_ADDRESS} · {field.verbose_name}"
    if model is Person and name.startswith("current_") and name[8:] in _ADDRESS_FIELDS:
        return f"{_CURRENT_ADDRESS} · {field.verbose_name}"
    return str(field.verbose_name)


def _shown_change(field, value, labels: dict) -> str:
    """One stored value (as cases.services._stored keeps it) for the user to read."""
    if value in ("", None, []):
        return "–"
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return _day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(field, models.DecimalField) and isinstance(value, str):
        try:
            return f"{Decimal(value):,.2f}"
        except ArithmeticError:
            return value
    if field.name == "national_id":
        return format_national_id(value)
    if field.name == "phone":
        return format_phone(value)
    return _shown(value, labels)


def change_line(model, name: str, change: dict) -> str:
    """ "field: old → new" for one field of ``model`` changed, or "" for a field it lacks."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    labels = dict((getattr(field, "base_field", None) or field).flatchoices)
    old, new = (_shown_change(field, change.get(k), labels) for k in ("from", "to"))
    return f"{_field_label(model, name, field)}: {old} → {new}"


class CaseEvent(models.Model):
    """One appended line of a case's history. Never updated, never deleted."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("case opened")
        UPDATED = "updated", _("case details corrected")
        STATUS = "status", _("status changed")
        ASSIGNED = "assigned", _("volunteers assigned")
        UNASSIGNED = "unassigned", _("volunteers unassigned")
        VISIT = "visit", _("home visit recorded")
        ASSISTANCE = "assistance", _("assistance recorded")
        REFERRAL = "referral", _("referral sent")
        REFERRAL_STATUS = "referral_status", _("referral status changed")
        CONSENT = "consent", _("consent recorded")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")
        NOTE = "note", _("note")
        TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
        TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
        TRANSFER_DECLINED = "transfer_declined", _("transfer declined")
        TRANSFER_CANCELLED = "transfer_cancelled", _("transfer cancelled")
        # Corrections of the records a case hangs on (cases.services person_update,
        # household_update): one event on each case of the person or household concerned.
        PERSON_UPDATED = "person_updated", _("person's details corrected")
        HOUSEHOLD_UPDATED = "household_updated", _("household corrected")

    # PROTECT: the history outlives nothing it tells of. A case or a referral that has events
    # cannot be deleted, so no delete (in the admin, a shell or a cascade) erases its history.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Case statuses for kind=status, referral statuses for kind=referral_status.
    from_status = models.CharField(pgettext_lazy("case event", "from"), max_length=12, blank=True)
    to_status = models.CharField(pgettext_lazy("case event", "to"), max_length=12, blank=True)
    referral = models.ForeignKey(
        "Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("referral"),
    )
    # For the transfer kinds: the transfer the event tells of (its centres, from and to).
    transfer = models.ForeignKey(
        "CaseTransfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("transfer"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("case event", "by"),
    )
    at = models.DateTimeField(pgettext_lazy("case event", "at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What the change carried that the row it touched may later lose: the closure reason of a
    # case that is reopened, the volunteers assigned, the outcome of a referral.
    detail = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            # With the id: the desk reads a scope's latest events from this index alone.
            models.Index(fields=["case", "at"], include=["id"], name="case_event_case_at"),
            # The desk's recent activity of a ministry administrator: the latest of all.
            models.Index(fields=["at"], name="case_event_at"),
            # The person page's corrections (services.person_corrections): the events of a
            # person's and of their households' corrections, found by the ids they keep.
            models.Index(
                KeyTransform("person", "detail"),
                condition=Q(kind="person_updated"),
                name="case_event_person_updated",
            ),
            models.Index(
                KeyTransform("household", "detail"),
                condition=Q(kind="household_updated"),
                name="case_event_household_updated",
            ),
        ]

    def __str__(self) -> str:
        at = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{self.case_id} {self.get_kind_display()} {at}"

    def change_lines(self) -> list[str]:
        """For a correction: "urgency: normal → urgent", one line a field, in the user's
        language (dates in the Buddhist Era while Thai is active). Corrections of a case, of
        its person, of a household and its members, and a consent's withdrawal."""
        detail = self.detail or {}
        model = _changed_model(self.kind)
        lines = [f"{_HOUSEHOLD}: {detail['household_name']}"] if "household_name" in detail else []
        lines += [
            line
            for name, change in detail.get("changed", {}).items()
            if (line := change_line(model, name, change))
        ]
        for member in detail.get("members", []):
            action = _MEMBER_ACTIONS.get(member.get("action"), "")
            head = f"{_HOUSEHOLD_MEMBER} {member.get('member', '')} ({action})"
            changes = [
                line
                for name, change in member.get("changed", {}).items()
                if (line := change_line(HouseholdMember, name, change))
            ]
            lines.append(f"{head}: {'; '.join(changes)}" if changes else head)
        if self.kind == self.Kind.UNASSIGNED and detail.get("names"):
            lines.append(f"{_VOLUNTEERS}: {', '.join(detail['names'])}")
        return lines

    def status_change_text(self) -> str:
        """ "assessing → assisting" in the user's language (referral statuses for referrals)."""
        from cases.models.referrals import ReferralStatus

        choices = ReferralStatus if self.referral_id else CaseStatus
        labels = dict(choices.choices)
        return " → ".join(str(labels.get(s, s)) for s in (self.from_status, self.to_status) if s)
