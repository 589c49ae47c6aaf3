"""Transfers of a case to another centre."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.cases import Case
from centres.access import Scope, ScopedQuerySet, scope_for
from centres.models import Centre


class TransferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("transfer status", "waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("transfer status", "accepted")
    DECLINED = "declined", pgettext_lazy("transfer status", "declined")
    CANCELLED = "cancelled", pgettext_lazy("transfer status", "cancelled")


class CaseTransferQuerySet(ScopedQuerySet["CaseTransfer"]):
    """Transfers are seen at both ends: by the sending and by the receiving centre."""

    def in_scope(self, scope: Scope, user) -> Self:
        if scope.sees_all:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(scope.centre_q("from_centre__") | scope.centre_q("to_centre__"))

    def pending(self) -> Self:
        return self.filter(status=TransferStatus.PENDING)

    def _written_at(self, user, end: str) -> models.QuerySet:
        scope = scope_for(user)
        if not scope.can_write:
            return self.none()
        writable = scope.writable
        if writable.sees_all:
            return self
        if writable.is_empty:
            return self.none()
        return self.filter(writable.centre_q(f"{end}__"))

    def receivable_by(self, user) -> models.QuerySet:
        """Transfers to a centre ``user`` writes at: theirs to accept or decline."""
        return self._written_at(user, "to_centre")

    def sent_by(self, user) -> models.QuerySet:
        """Transfers from a centre ``user`` writes at: theirs to cancel."""
        return self._written_at(user, "from_centre")


class CaseTransfer(models.Model):
    """A case handed over to another centre: requested by a writer of the sending centre,
    accepted or declined by one of the receiving centre, or cancelled by the sender.

    While it is pending the case stays at the sending centre and nothing is recorded on it;
    on acceptance the case's centre becomes the receiving one (see cases.services)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("case")
    )
    from_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name=_("from centre"),
    )
    to_centre = models.ForeignKey(
        Centre,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("to centre"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
        editable=False,
    )
    reason = models.TextField(_("reason for the transfer"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.TextField(_("answer"), blank=True)

    objects = CaseTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="case_transfer_one_pending",
                violation_error_message=_(
                    "This case already has a transfer waiting for an answer."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(from_centre=F("to_centre")), name="case_transfer_to_another_centre"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="case_transfer_has_reason"),
            # Answered (accepted, declined, cancelled) exactly when it has an answer's time.
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="case_transfer_decided_at_iff_answered",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_note=""),
                name="case_transfer_decline_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["to_centre", "status"], name="case_transfer_to_status"),
            models.Index(fields=["from_centre", "status"], name="case_transfer_from_status"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.from_centre} → {self.to_centre}"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING
