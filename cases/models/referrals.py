"""Consent to share a person's data, and referrals of a case to partner agencies."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models._common import _day, _trgm
from cases.models.agencies import Agency
from cases.models.cases import Case, CaseChildQuerySet
from volunteer_centre.models import RecordedModel


class ConsentGiver(models.TextChoices):
    SELF = "self", _("the person")
    GUARDIAN = "guardian", _("a guardian")


class Consent(RecordedModel):
    """Consent to share the person's data for a purpose (usually a referral)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="consents", verbose_name=_("case")
    )
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=100, blank=True)
    purpose = models.TextField(_("purpose"))
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["given_on", "recorded_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="self") | ~Q(guardian_name=""),
                name="consent_guardian_named",
                violation_error_message=_("Give the guardian's name."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]
        indexes = [
            # The admin's list order (its tie-breaker, the newest first, included).
            models.Index(fields=["given_on", "recorded_at", "-id"], name="consent_order"),
            GinIndex(_trgm("guardian_name"), name="consent_guardian_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.get_given_by_display()} · {_day(self.given_on)}"


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("consent")
    VITAL_INTEREST = "vital_interest", _("vital interest (danger to life or health)")
    LEGAL_DUTY = "legal_duty", _("legal duty or statute")


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral status", "sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "accepted")
    REJECTED = "rejected", pgettext_lazy("referral status", "rejected")
    DONE = "done", pgettext_lazy("referral status", "done")
    REVOKED = "revoked", pgettext_lazy("referral status", "revoked")


class Referral(RecordedModel):
    """A referral (ประสานส่งต่อ) of the case to a partner agency."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    referred_on = models.DateField(_("referred on"))
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    basis_note = models.TextField(_("about the lawful basis"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.SENT,
        editable=False,
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    finished_on = models.DateField(_("finished on"), null=True, blank=True, editable=False)
    outcome = models.TextField(_("outcome"), blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["referred_on", "recorded_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis="consent", consent__isnull=False)
                | (~Q(basis="consent") & ~Q(basis_note="")),
                name="referral_has_consent_or_basis",
                violation_error_message=_(
                    "A referral needs the person's consent or a recorded lawful basis."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["case", "referred_on"], name="referral_case_date"),
            # The admin's list order (its tie-breaker, the newest first, included).
            models.Index(fields=["referred_on", "recorded_at", "-id"], name="referral_order"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.agency}"
