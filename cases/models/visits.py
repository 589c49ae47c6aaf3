"""Home visits to a case."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models._common import _day
from cases.models.cases import Case, CaseChildQuerySet
from volunteer_centre.models import RecordedModel
from volunteers.models import Volunteer


class Visit(RecordedModel):
    """A home visit (ลงพื้นที่) by volunteers."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("case")
    )
    visited_on = models.DateField(_("visited on"))
    volunteers = models.ManyToManyField(
        Volunteer, related_name="visits", blank=True, verbose_name=_("volunteers")
    )
    findings = models.TextField(_("findings"))
    next_follow_up_on = models.DateField(_("next follow-up on"), null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["visited_on", "recorded_at"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_follow_up_on__isnull=True)
                | Q(next_follow_up_on__gte=F("visited_on")),
                name="visit_follow_up_after_visit",
            ),
        ]
        indexes = [
            # The latest visit of each case and its follow-up date, read from the index alone:
            # the desk's and the dashboards' overdue counts ask it for every open case.
            models.Index(
                fields=["case", "-visited_on", "-id"],
                include=["next_follow_up_on"],
                name="visit_case_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {_day(self.visited_on)}"
